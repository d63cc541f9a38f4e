"""backtrader's side of the proof against our backtest engine (docs/backtests.md "Proof against
backtrader").

    bench/backtest/.venv/bin/python bench/backtest/backtrader_run.py BARS.csv [--fast 10] [--slow 30]

Reads 1-minute bars from a CSV (`ts,open,high,low,close,volume`: ts in epoch ms, prices in integer
ticks) and runs backtrader's own SMA crossover — `bt.ind.CrossOver(SMA(fast), SMA(slow))`, long
only, quantity 1, market orders (backtrader fills a market order at the next bar's open; cheat on
open/close off), no commission — and prints ONE JSON line:

    {"engine": "backtrader", "version", "bars", "fast", "slow", "count",
     "fills": [{"ts", "side", "price"}], "pnlTicks", "seconds", "barsPerSec"}

Fill ts/price come from backtrader's own order record (`order.executed.dt` / `.price`), the P&L
from its broker (value − starting cash: realised plus the open position marked at the last
close). backtrader keeps prices as floats; every price here is an integer below 2^53, so each is
exact and is turned back into an int — a value that is not integral is an error, never rounded
away. Only `cerebro.run()` is timed (the CSV is parsed before).
"""

import argparse
import json
import math
import sys
import time
from datetime import datetime, timezone

import backtrader as bt

START_CASH = 10.0**12  # far above any position, so no order is ever refused for margin


def exact_int(x, what):
    r = round(x)
    if not math.isfinite(x) or abs(x - r) > 1e-6:
        raise SystemExit(f"backtrader_run: {what} {x!r} is not an integer tick value")
    return int(r)


def read_csv(path):
    with open(path, encoding="ascii") as f:
        header = f.readline().strip()
        if header != "ts,open,high,low,close,volume":
            raise SystemExit(f"backtrader_run: unexpected CSV header {header!r}")
        cols = ([], [], [], [], [], [])
        for n, line in enumerate(f, start=2):
            parts = line.rstrip("\n").split(",")
            if len(parts) != 6:
                raise SystemExit(f"backtrader_run: line {n}: expected 6 fields")
            for c, p in zip(cols, parts):
                c.append(int(p))
    return cols


def to_num(ts_ms):
    """backtrader's float date number of an epoch-ms instant (naive UTC, as backtrader keeps it)."""
    return bt.date2num(datetime.fromtimestamp(ts_ms / 1000, tz=timezone.utc).replace(tzinfo=None))


def to_ms(num):
    d = bt.num2date(num).replace(tzinfo=timezone.utc)  # naive UTC back from backtrader
    return int(round(d.timestamp() * 1000))  # a float day number holds the instant to ~1 µs


class ColumnsFeed(bt.feeds.DataBase):
    """Bars handed over from Python lists (backtrader's CSV feeds would time our CSV parsing)."""

    params = (("columns", None),)

    def start(self):
        super().start()
        self._i = 0
        self._nums, self._o, self._h, self._l, self._c, self._v = self.p.columns

    def _load(self):
        i = self._i
        if i >= len(self._nums):
            return False
        self.lines.datetime[0] = self._nums[i]
        self.lines.open[0] = self._o[i]
        self.lines.high[0] = self._h[i]
        self.lines.low[0] = self._l[i]
        self.lines.close[0] = self._c[i]
        self.lines.volume[0] = self._v[i]
        self.lines.openinterest[0] = 0.0
        self._i = i + 1
        return True


class SmaCross(bt.Strategy):
    params = (("fast", 10), ("slow", 30))

    def __init__(self):
        fast = bt.ind.SMA(self.data.close, period=self.p.fast)
        slow = bt.ind.SMA(self.data.close, period=self.p.slow)
        self.cross = bt.ind.CrossOver(fast, slow)
        self.fills = []
        self.refused = []

    def notify_order(self, order):
        if order.status == order.Completed:
            self.fills.append(
                {
                    "ts": to_ms(order.executed.dt),
                    "side": "BUY" if order.isbuy() else "SELL",
                    "price": exact_int(order.executed.price, "fill price"),
                    "quantity": exact_int(abs(order.executed.size), "fill size"),
                }
            )
        elif order.status in (order.Canceled, order.Margin, order.Rejected):
            self.refused.append(order.getstatusname())

    def next(self):
        if self.cross[0] > 0 and not self.position:
            self.buy(size=1)
        elif self.cross[0] < 0 and self.position:
            self.close()


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--fast", type=int, default=10)
    ap.add_argument("--slow", type=int, default=30)
    a = ap.parse_args(argv)

    ts, o, h, l, c, v = read_csv(a.csv)
    nums = [to_num(t) for t in ts]

    cerebro = bt.Cerebro(stdstats=False)  # no observers: backtrader at its fastest
    cerebro.adddata(ColumnsFeed(columns=(nums, o, h, l, c, v)))
    cerebro.addstrategy(SmaCross, fast=a.fast, slow=a.slow)
    cerebro.broker.setcash(START_CASH)
    cerebro.broker.setcommission(commission=0.0)

    t0 = time.perf_counter()
    strat = cerebro.run()[0]
    seconds = time.perf_counter() - t0

    if strat.refused:
        raise SystemExit(f"backtrader_run: orders not filled: {strat.refused}")
    pnl = exact_int(cerebro.broker.getvalue() - START_CASH, "P&L")
    # The same P&L from the fills (sells − buys + the open position at the last close): a check
    # that the broker's figure is the strategy's, not a second source of truth.
    held, cash = 0, 0
    for f in strat.fills:
        sign = 1 if f["side"] == "BUY" else -1
        held += sign * f["quantity"]
        cash -= sign * f["quantity"] * f["price"]
    if cash + held * c[-1] != pnl:
        raise SystemExit(f"backtrader_run: broker P&L {pnl} != fills P&L {cash + held * c[-1]}")
    if any(f["quantity"] != 1 for f in strat.fills):
        raise SystemExit("backtrader_run: a fill of other than 1 unit")

    out = {
        "engine": "backtrader",
        "version": bt.__version__,
        "bars": len(ts),
        "fast": a.fast,
        "slow": a.slow,
        "count": len(strat.fills),
        "fills": [{"ts": f["ts"], "side": f["side"], "price": f["price"]} for f in strat.fills],
        "position": held,
        "pnlTicks": pnl,
        "seconds": seconds,
        "barsPerSec": len(ts) / seconds if seconds > 0 else None,
    }
    sys.stdout.write(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
