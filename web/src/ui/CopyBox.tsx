import { useState } from 'react';

/** A one-time secret (invitation link, API token) with a copy button. */
export function CopyBox({ label, value, testId }: { label: string; value: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="copybox" data-testid={testId}>
      <p className="copybox-label">
        <strong>{label}</strong> — shown once. Copy it now; it cannot be displayed again.
      </p>
      <div className="copybox-row">
        <input
          className="input mono"
          readOnly
          value={value}
          aria-label={label}
          onFocus={(e) => e.currentTarget.select()}
          data-testid={testId ? `${testId}-value` : undefined}
        />
        <button type="button" className="btn" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}
