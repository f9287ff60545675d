"use client";
import {
  Button,
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  Input,
  Label,
} from "@steward/ui";
import { Check, Copy, TriangleAlert } from "lucide-react";
import { useEffect, useId, useState } from "react";
import { toast } from "sonner";

/** The public push endpoint of a HEARTBEAT monitor's token, on this dashboard's origin. */
export function pushUrl(token: string): string {
  const origin = typeof window === "undefined" ? "" : window.location.origin;
  return `${origin}/api/v1/heartbeat/${token}`;
}

async function copyText(text: string, fallback?: HTMLInputElement | HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (insecure origin, permissions): select the text so Ctrl+C works.
    fallback?.focus();
    fallback?.select();
    return false;
  }
}

/** A button that copies `text` and says so for 2 s (and to screen readers). */
export function CopyButton({
  text,
  label,
  targetId,
  className,
}: {
  text: string;
  label: string;
  /** The input / textarea holding the text (selected when the clipboard is unavailable). */
  targetId?: string;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <Button
      type="button"
      variant="outline"
      size="sm"
      className={className}
      onClick={async () => {
        const el = targetId ? (document.getElementById(targetId) as HTMLInputElement | null) : null;
        if (await copyText(text, el)) {
          setCopied(true);
          toast.success("Copied to the clipboard");
        } else toast.info("Selected: press Ctrl+C (⌘C) to copy");
      }}
    >
      {copied ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
      {copied ? "Copied" : label}
    </Button>
  );
}

/**
 * Shows a push monitor's secret URL once (after creation or rotation): the URL with a copy button, a curl
 * call and a crontab line. Only the token's hash is stored, so closing this is final; the caller then
 * forgets the token.
 */
export function PushUrlDialog({
  token,
  monitorName,
  rotated = false,
  onDone,
}: {
  /** The plaintext token (null: closed). */
  token: string | null;
  monitorName: string;
  rotated?: boolean;
  onDone: () => void;
}) {
  const id = useId();
  const url = token ? pushUrl(token) : "";
  const curl = `curl -fsS -m 10 --retry 3 -X POST ${url}`;
  const cron = `*/5 * * * * /usr/local/bin/backup.sh && curl -fsS -m 10 --retry 3 ${url} > /dev/null`;
  return (
    <Dialog open={token !== null} onOpenChange={(open) => (open ? undefined : onDone())}>
      <DialogContent className="sm:max-w-2xl" onInteractOutside={(e) => e.preventDefault()}>
        <DialogHeader>
          <DialogTitle>
            {rotated ? "New push URL" : "Push URL"} for “{monitorName}”
          </DialogTitle>
          <DialogDescription>
            Call this URL (POST or GET) from the job you monitor each time it completes. No call within the interval
            plus the grace period marks the monitor down.
          </DialogDescription>
        </DialogHeader>
        <p
          role="note"
          className="flex items-start gap-2 rounded-md border border-status-degraded/50 bg-status-degraded/10 p-3 text-sm"
        >
          <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-status-degraded-foreground" />
          <span>
            <strong className="font-semibold">Copy it now: it is shown only this once.</strong> Steward stores only a
            hash of the secret. If you lose it, rotate the URL on the monitor’s page
            {rotated ? " — the previous URL has already stopped working." : "."}
          </span>
        </p>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-url`}>Push URL</Label>
          <div className="flex gap-2">
            <Input
              id={`${id}-url`}
              readOnly
              value={url}
              spellCheck={false}
              className="font-mono text-xs"
              onFocus={(e) => e.currentTarget.select()}
              data-testid="push-url"
            />
            <CopyButton text={url} label="Copy URL" targetId={`${id}-url`} />
          </div>
        </div>
        <div className="space-y-1.5">
          <div className="flex items-center justify-between gap-2">
            <Label htmlFor={`${id}-curl`}>Example: curl</Label>
            <CopyButton text={curl} label="Copy" targetId={`${id}-curl`} />
          </div>
          <textarea
            id={`${id}-curl`}
            readOnly
            rows={2}
            value={curl}
            spellCheck={false}
            className="w-full resize-none rounded-md border border-input bg-muted px-3 py-2 font-mono text-xs"
          />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor={`${id}-cron`}>Example: after a cron job</Label>
          <textarea
            id={`${id}-cron`}
            readOnly
            rows={3}
            value={cron}
            spellCheck={false}
            className="w-full resize-none rounded-md border border-input bg-muted px-3 py-2 font-mono text-xs"
          />
        </div>
        <DialogFooter>
          <Button type="button" onClick={onDone}>
            I have saved the URL
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
