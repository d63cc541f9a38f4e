// The baseline for `bench api`: bare Fastify doing the same work as GET /api/v1/auth/me —
// the same JWT verification and the same user lookup code (same repositories, same SQL, same
// pool) — without Nest's guards, pipes, interceptors and serialisation. The ratio between the
// two is the framework's cost.
import Fastify from 'fastify';
import { Db, createDataSource, createLogger, createRedis, loadConfig } from '@tradeloop/platform';
import { AccessTokens, AuthenticateUseCase, GetMeUseCase, PrincipalCache, SessionsRepository } from '@tradeloop/identity';

const config = loadConfig();
const ds = createDataSource({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, applicationName: 'bench-bare' });
await ds.initialize();
const db = new Db(ds);
const redis = createRedis(config.REDIS_URL, 'commands', 'bench-bare');
const cache = new PrincipalCache(config, redis, createLogger('warn', 'bare'));
await cache.onModuleInit();
const authenticate = new AuthenticateUseCase(new AccessTokens(config), new SessionsRepository(db), cache);
const getMe = new GetMeUseCase();

const app = Fastify({ logger: false });
app.get('/api/v1/auth/me', async (req, reply) => {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (!m) return reply.code(401).send({ code: 'UNAUTHENTICATED' });
  try {
    const principal = await authenticate.execute(m[1]);
    return await getMe.execute(principal);
  } catch {
    return reply.code(401).send({ code: 'UNAUTHENTICATED' });
  }
});
app.get('/api/health', async () => ({ status: 'ok' }));
await app.listen({ port: config.PORT, host: '127.0.0.1' });
process.on('SIGTERM', async () => {
  await app.close();
  await ds.destroy();
  await cache.onApplicationShutdown();
  redis.disconnect();
  process.exit(0);
});
