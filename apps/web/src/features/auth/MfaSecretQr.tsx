import { useEffect, useState } from 'react';
import { toast } from 'sonner';

/** The otpauth URL as a QR code (rendered locally: the secret never goes to a third party). */
export function MfaSecretQr({ otpauthUrl, secret }: { otpauthUrl: string; secret: string }) {
  const [dataUrl, setDataUrl] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Loaded on demand: only the MFA enrolment screen needs the QR encoder.
    import('qrcode')
      .then(({ default: QRCode }) =>
        QRCode.toDataURL(otpauthUrl, { margin: 1, width: 176, errorCorrectionLevel: 'M', color: { dark: '#0b0e14', light: '#ffffff' } }),
      )
      .then((url) => !cancelled && setDataUrl(url))
      .catch(() => !cancelled && setDataUrl(null));
    return () => {
      cancelled = true;
    };
  }, [otpauthUrl]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast.success('Secret copied');
    } catch {
      toast.error('Copy failed; select the secret and copy it by hand');
    }
  };

  return (
    <div className="mfa-secret">
      <div className="qr-frame">
        {dataUrl ? (
          <img src={dataUrl} width={176} height={176} alt="QR code for your authenticator app" data-testid="mfa-qr" />
        ) : (
          <span className="muted">Rendering…</span>
        )}
      </div>
      <div className="mfa-secret-text">
        <span className="label">Secret</span>
        <code className="mono secret" data-testid="mfa-secret">
          {secret.match(/.{1,4}/g)?.join(' ') ?? secret}
        </code>
        <button type="button" className="button button-small" onClick={() => void copy()}>
          Copy
        </button>
      </div>
    </div>
  );
}
