"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import {
  Badge,
  Button,
  Card,
  CardContent,
  CardDescription,
  CardHeader,
  CardTitle,
  cn,
  Input,
  Label,
  Textarea,
} from "@steward/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, CircleExclamationPoint, CircleQuestionMark, CircleX, LoaderCircle, Zap } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { Controller, type FieldErrors, type Resolver, useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { PushUrlDialog } from "~/components/monitor-push-url.tsx";
import { MAX_REGIONS, REGION_PATTERN, type RegionChoice, RegionPicker } from "~/components/monitor-region-picker.tsx";
import { TagsInput } from "~/components/monitor-tags-input.tsx";
import { useTenant } from "~/components/tenant-context.tsx";
import {
  type ConfigField,
  coerceConfig,
  configFields,
  formValuesOf,
  KIND_HINTS,
  kindLabel,
} from "~/lib/monitor-form.ts";
import { useTRPC } from "~/trpc/react.tsx";

export interface KindInfo {
  kind: string;
  configSchema: Record<string, unknown>;
  creatable: boolean;
  /** Push kinds (HEARTBEAT): no probe, so no timeout, latency threshold or "test now". */
  push?: boolean;
}

/** Labels for kinds lib/monitor-form.ts has no hints for (push monitors). */
const PUSH_HINT = {
  label: "Heartbeat (push)",
  description:
    "Your job calls a secret URL each time it runs (cron, backups, queues). No call within the interval plus the grace period marks the monitor down.",
};
const labelOf = (kind: string) => (kind === "HEARTBEAT" ? PUSH_HINT.label : kindLabel(kind));

export interface EditableMonitor {
  id: string;
  name: string;
  kind: string;
  config: unknown;
  intervalSeconds: number;
  timeoutMs: number;
  confirmations: number;
  recoveryThreshold: number;
  degradedThresholdMs: number | null;
  assetId: string | null;
  tags: string[];
  regions: string[];
  regionQuorum: number;
  /** Secret config fields that are set (their values never reach the browser; blank keeps them). */
  secretsSet?: string[];
}

/** Config fields that say where a monitor connects (changing one clears its saved secrets). */
const TARGET_KEYS = ["url", "host", "port", "tls", "ssl"] as const;

const INTERVALS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 21600, 86400];
function intervalLabel(s: number): string {
  if (s < 60) return `Every ${s} seconds`;
  if (s < 3600) return s === 60 ? "Every minute" : `Every ${s / 60} minutes`;
  return s === 3600 ? "Every hour" : `Every ${s / 3600} hours`;
}

const selectClass =
  "flex h-9 w-full rounded-md border border-input bg-background px-3 py-1 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring aria-invalid:border-destructive";

type FormValues = {
  kind: string;
  name: string;
  intervalSeconds: string;
  timeoutMs: string;
  confirmations: string;
  recoveryThreshold: string;
  degradedThresholdMs: string;
  assetId: string;
  tags: string[];
  regions: string[];
  regionQuorum: string;
  config: Record<string, unknown>;
};

const int = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `Enter ${what}` })
    .int(`Enter a whole number`)
    .min(min, `At least ${min}`)
    .max(max, `At most ${max}`);

function buildSchema(fields: readonly ConfigField[], configSchema: z.ZodType) {
  return z
    .object({
      kind: z.string(),
      name: z.string().trim().min(1, "Enter a name").max(120, "At most 120 characters"),
      intervalSeconds: int(10, 86_400, "an interval"),
      timeoutMs: int(500, 60_000, "a timeout"),
      confirmations: int(1, 10, "a number"),
      recoveryThreshold: int(1, 10, "a number"),
      degradedThresholdMs: z.preprocess(
        (v) => (v === "" || v === undefined ? undefined : v),
        int(1, 60_000, "a threshold").optional(),
      ),
      assetId: z.string(),
      tags: z.array(z.string().max(60, "Tags are at most 60 characters")).max(20, "At most 20 tags"),
      regions: z
        .array(z.string().regex(REGION_PATTERN, "Region names are lowercase letters, digits and dashes"))
        .min(1, "Pick at least one region")
        .max(MAX_REGIONS, `At most ${MAX_REGIONS} regions`),
      regionQuorum: int(1, MAX_REGIONS, "a number of regions"),
      config: z.preprocess((v) => coerceConfig(fields, v), configSchema),
    })
    .superRefine((v, ctx) => {
      if (v.regions.length && v.regionQuorum > v.regions.length) {
        ctx.addIssue({
          code: "custom",
          path: ["regionQuorum"],
          message: `At most ${v.regions.length}: the monitor has ${v.regions.length} region${v.regions.length === 1 ? "" : "s"}`,
        });
      }
    });
}
type Parsed = z.output<ReturnType<typeof buildSchema>>;

function errorAt(errors: FieldErrors<FormValues>, path: string): string | undefined {
  const e = path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], errors) as
    | { message?: string }
    | undefined;
  return e?.message;
}

/** Server errors → the field they belong to (zod field errors, ValidationError.fields, Conflict.field). */
function serverFieldErrors(e: unknown): { fields: Record<string, string>; message: string } {
  const err = e as {
    message?: string;
    data?: {
      zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null;
      details?: { field?: string; fields?: Record<string, string> } | null;
    };
  };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(err.data?.zodError?.fieldErrors ?? {})) if (v?.[0]) fields[k] = v[0];
  Object.assign(fields, err.data?.details?.fields ?? {});
  const f = err.data?.details?.field;
  if (f && !Object.keys(fields).some((k) => k === f || k.startsWith(`${f}.`))) fields[f] = err.message ?? "Invalid";
  return { fields, message: err.message ?? "Could not save the monitor." };
}

type TestResult = {
  ok: boolean;
  unknown?: boolean;
  latencyMs: number;
  statusCode?: number;
  error?: string;
  totalMs: number;
  startedAt: Date;
  /** The region of the probe worker that ran the test. */
  region?: string;
  [key: string]: unknown;
};

function TestResultPanel({ result }: { result: TestResult }) {
  const status = result.unknown ? "UNKNOWN" : result.ok ? "UP" : "DOWN";
  const Icon = status === "UP" ? CircleCheck : status === "DOWN" ? CircleX : CircleQuestionMark;
  const label = status === "UP" ? "Up: the check passed" : status === "DOWN" ? "Down: the check failed" : "Unknown";
  // Any extra timings the probe reports (e.g. timings: {dnsMs, connectMs, tlsMs, ttfbMs}).
  const timings = Object.entries(
    (typeof result.timings === "object" && result.timings ? result.timings : {}) as Record<string, unknown>,
  ).filter(([, v]) => typeof v === "number");
  return (
    <div role="status" aria-label="Test result" className="space-y-3 rounded-md border border-border p-3 text-sm">
      <Badge variant={status === "UP" ? "up" : status === "DOWN" ? "down" : "unknown"} data-status={status}>
        <Icon aria-hidden="true" /> {label}
      </Badge>
      <dl className="grid grid-cols-2 gap-x-3 gap-y-1">
        <dt className="text-muted-foreground">Probe latency</dt>
        <dd className="tabular-nums">{result.latencyMs} ms</dd>
        <dt className="text-muted-foreground">Round trip (worker)</dt>
        <dd className="tabular-nums">{result.totalMs} ms</dd>
        {result.region ? (
          <>
            <dt className="text-muted-foreground">Region</dt>
            <dd>{result.region}</dd>
          </>
        ) : null}
        {result.statusCode !== undefined ? (
          <>
            <dt className="text-muted-foreground">Status code</dt>
            <dd className="tabular-nums">{result.statusCode}</dd>
          </>
        ) : null}
        {timings.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-muted-foreground">{k.replace(/Ms$/, "")}</dt>
            <dd className="tabular-nums">{Math.round(v as number)} ms</dd>
          </div>
        ))}
      </dl>
      {result.error ? <p className="break-words text-status-down-foreground">{result.error}</p> : null}
    </div>
  );
}

function ConfigInput({
  field,
  register,
  error,
  secrets,
}: {
  field: ConfigField;
  register: ReturnType<typeof useForm<FormValues>>["register"];
  error?: string;
  secrets?: readonly string[];
}) {
  const secretSet = secrets?.includes(field.path) ?? false;
  const hasSecretHeaders = field.path === "headers" && (secrets ?? []).some((x) => x.startsWith("headers."));
  const id = `config-${field.path.replace(/\./g, "-")}`;
  const name = `config.${field.path}` as "config";
  const described = [error ? `${id}-error` : null, field.help ? `${id}-help` : null].filter(Boolean).join(" ");
  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described || undefined,
    ...register(name),
  };
  let control: React.ReactNode;
  switch (field.widget) {
    case "checkbox":
      control = (
        <div className="flex items-center gap-2">
          <input type="checkbox" className="size-4 accent-primary" {...common} />
          <Label htmlFor={id}>{field.label}</Label>
        </div>
      );
      break;
    case "select":
      control = (
        <select className={selectClass} {...common}>
          {field.required ? null : (
            <option value="">Default{field.default !== undefined ? ` (${field.default})` : ""}</option>
          )}
          {field.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case "map":
      control = <Textarea rows={3} placeholder={field.placeholder} spellCheck={false} {...common} />;
      break;
    case "textarea":
    case "list":
      control =
        field.widget === "list" && field.itemType === "number" ? (
          <Input inputMode="numeric" placeholder={field.placeholder} {...common} />
        ) : (
          <Textarea rows={field.widget === "textarea" ? 5 : 3} placeholder={field.placeholder} {...common} />
        );
      break;
    default:
      control = (
        <Input
          type={field.widget === "number" ? "number" : field.widget === "password" ? "password" : "text"}
          inputMode={field.widget === "url" ? "url" : undefined}
          placeholder={
            secretSet
              ? "•••••••• (set; leave blank to keep)"
              : (field.placeholder ?? (field.default !== undefined ? String(field.default) : undefined))
          }
          min={field.min}
          max={field.max}
          autoComplete={field.widget === "password" ? "new-password" : "off"}
          {...common}
        />
      );
  }
  return (
    <div className="space-y-1.5">
      {field.widget === "checkbox" ? null : (
        <Label htmlFor={id}>
          {field.label}
          {field.required ? null : <span className="font-normal text-muted-foreground"> (optional)</span>}
        </Label>
      )}
      {control}
      {field.help || hasSecretHeaders ? (
        <p id={`${id}-help`} className="text-xs text-muted-foreground">
          {field.help}
          {hasSecretHeaders ? " Credential header values are hidden: leave them empty to keep them." : ""}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-status-down-foreground">
          {error}
        </p>
      ) : null}
    </div>
  );
}

const wide = (f: ConfigField) => f.widget === "url" || f.widget === "textarea" || f.widget === "map";

function Field({
  id,
  label,
  error,
  help,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  help?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {help ? <p className="text-xs text-muted-foreground">{help}</p> : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs font-medium text-status-down-foreground">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Create or edit a monitor: the config part is generated from the kind's schema (monitor.kinds). */
export function MonitorForm({
  kinds,
  assets,
  regions,
  tagSuggestions = [],
  monitor,
}: {
  kinds: KindInfo[];
  assets: { id: string; name: string }[];
  /** Regions to offer (monitor.regions: the fleet's, the tenant's, "local"). */
  regions: RegionChoice[];
  /** The tenant's tags, offered while typing. */
  tagSuggestions?: string[];
  monitor?: EditableMonitor;
}) {
  const tenant = useTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const editing = Boolean(monitor);
  const offered = editing ? kinds.filter((k) => k.kind === monitor?.kind) : kinds.filter((k) => k.creatable);
  const [kind, setKind] = useState(monitor?.kind ?? offered[0]?.kind ?? "HTTP");
  const info = kinds.find((k) => k.kind === kind);
  const push = info?.push ?? kind === "HEARTBEAT";
  const fields = useMemo(() => {
    const all = info ? configFields(kind, info.configSchema) : [];
    // Push monitors: a friendlier label for the grace period than the schema's key.
    return all.map((f) =>
      kind === "HEARTBEAT" && f.path === "graceSeconds"
        ? { ...f, label: "Grace period (seconds)", placeholder: "30% of the interval" }
        : f,
    );
  }, [kind, info]);
  const configSchema = useMemo(
    () => (info ? (z.fromJSONSchema(info.configSchema as never) as z.ZodType) : z.record(z.string(), z.unknown())),
    [info],
  );
  const schema = useMemo(() => buildSchema(fields, configSchema), [fields, configSchema]);
  const [serverError, setServerError] = useState<string | null>(null);
  const [result, setResult] = useState<TestResult | null>(null);
  /** The region "Test now" runs from (one of the monitor's regions; the first unless the user picks). */
  const [testRegion, setTestRegion] = useState<string | null>(null);
  const [showMore, setShowMore] = useState(false);
  /** A new push monitor's token: shown once in a dialog, then forgotten. */
  const [created, setCreated] = useState<{ id: string; name: string; token: string } | null>(null);
  const intervals =
    monitor && !INTERVALS.includes(monitor.intervalSeconds)
      ? [...INTERVALS, monitor.intervalSeconds].sort((a, b) => a - b)
      : INTERVALS;
  const regionChoices = useMemo(() => {
    const known = new Set(regions.map((r) => r.region));
    return [
      ...regions,
      ...(monitor?.regions ?? []).filter((r) => !known.has(r)).map((r) => ({ region: r, live: false, workers: 0 })),
    ];
  }, [regions, monitor?.regions]);

  const form = useForm<FormValues>({
    resolver: zodResolver(schema) as unknown as Resolver<FormValues>,
    mode: "onTouched",
    defaultValues: {
      kind,
      name: monitor?.name ?? "",
      intervalSeconds: String(monitor?.intervalSeconds ?? 60),
      timeoutMs: String(monitor?.timeoutMs ?? 10_000),
      confirmations: String(monitor?.confirmations ?? 2),
      recoveryThreshold: String(monitor?.recoveryThreshold ?? 1),
      degradedThresholdMs: monitor?.degradedThresholdMs != null ? String(monitor.degradedThresholdMs) : "",
      assetId: monitor?.assetId ?? "",
      tags: monitor?.tags ?? [],
      regions: monitor?.regions ?? [regions.find((r) => r.live)?.region ?? "local"],
      regionQuorum: String(monitor?.regionQuorum ?? 1),
      config: formValuesOf(fields, monitor?.config),
    },
  });
  const { register, handleSubmit, formState, setError, control } = form;
  const errors = formState.errors;
  const selectedRegions = form.watch("regions");
  const intervalNow = Number(form.watch("intervalSeconds")) || 60;
  const graceNow = form.watch("config.graceSeconds" as "config") as unknown;
  // Issue 8 item 2: saved secrets never follow a monitor to another scheme, host or port.
  const targetNow = JSON.stringify(TARGET_KEYS.map((k) => String(form.watch(`config.${k}` as "config") ?? "")));
  const targetBefore = useMemo(
    () => JSON.stringify(TARGET_KEYS.map((k) => String(formValuesOf(fields, monitor?.config)[k] ?? ""))),
    [fields, monitor?.config],
  );
  const secretsWillClear = Boolean(monitor?.secretsSet?.length) && targetNow !== targetBefore;

  const showServerErrors = (e: unknown) => {
    const { fields: byField, message } = serverFieldErrors(e);
    const keys = Object.keys(byField);
    keys.forEach((k, i) => {
      setError(k as keyof FormValues, { type: "server", message: byField[k] }, { shouldFocus: i === 0 });
    });
    setServerError(keys.length ? null : message);
  };

  const done = async (id: string, verb: string) => {
    await qc.invalidateQueries({ queryKey: trpc.monitor.pathKey() });
    await qc.invalidateQueries({ queryKey: trpc.tenant.overview.queryKey() });
    toast.success(verb);
    router.push(`/t/${tenant.slug}/monitors/${id}`);
  };
  const update = useMutation(trpc.monitor.update.mutationOptions({ onError: showServerErrors }));
  const create = useMutation(trpc.monitor.create.mutationOptions({ onError: showServerErrors }));
  const test = useMutation(
    trpc.monitor.testConfig.mutationOptions({
      onSuccess: (r) => setResult(r as TestResult),
      onError: (e) => {
        setResult(null);
        showServerErrors(e);
      },
    }),
  );

  const onSubmit = async (raw: FormValues) => {
    setServerError(null);
    try {
      await save(raw);
    } catch {
      // shown by the mutation's onError (per field, or as the form's alert)
    }
  };
  const save = async (raw: FormValues) => {
    const v = raw as unknown as Parsed;
    const common = {
      tenantId: tenant.id,
      name: v.name,
      config: v.config as Record<string, unknown>,
      intervalSeconds: v.intervalSeconds,
      timeoutMs: v.timeoutMs,
      confirmations: v.confirmations,
      recoveryThreshold: v.recoveryThreshold,
      regions: v.regions,
      regionQuorum: v.regionQuorum,
      tags: v.tags,
    };
    if (monitor) {
      const m = await update.mutateAsync({
        ...common,
        monitorId: monitor.id,
        degradedThresholdMs: push ? null : (v.degradedThresholdMs ?? null),
        assetId: v.assetId || null,
      });
      await done(
        m.id,
        m.secretsCleared?.length
          ? "Saved. The target changed, so its saved secrets were cleared: enter them again if the new target needs them."
          : "Saved. The change takes effect on the monitor's next check.",
      );
    } else {
      const m = await create.mutateAsync({
        ...common,
        kind: kind as "HTTP",
        config: v.config as { url: string },
        ...(v.degradedThresholdMs && !push ? { degradedThresholdMs: v.degradedThresholdMs } : {}),
        ...(v.assetId ? { assetId: v.assetId } : {}),
      });
      if (m.heartbeatToken) {
        // Shown once; "done" navigates when the dialog is closed.
        await qc.invalidateQueries({ queryKey: trpc.monitor.pathKey() });
        setCreated({ id: m.id, name: m.name, token: m.heartbeatToken });
        return;
      }
      await done(m.id, `Monitor “${m.name}” created. The first check runs within its interval.`);
    }
  };

  const runTest = async () => {
    setResult(null);
    const ok = await form.trigger(["config", "timeoutMs"]);
    if (!ok) return;
    const config = coerceConfig(fields, form.getValues("config"));
    const timeoutMs = Math.min(30_000, Number(form.getValues("timeoutMs")) || 10_000);
    const chosen = form.getValues("regions") ?? [];
    const region = testRegion && chosen.includes(testRegion) ? testRegion : (chosen[0] ?? "local");
    test.mutate({ tenantId: tenant.id, kind, config, timeoutMs, region });
  };

  const hint = kind === "HEARTBEAT" ? PUSH_HINT : KIND_HINTS[kind];
  const order = kind === "HEARTBEAT" ? undefined : KIND_HINTS[kind]?.order;
  // Kinds with an `order` hint show those (and required) fields first; the rest fold under "More options".
  const mainSet = new Set(order ?? fields.map((f) => f.path));
  const mainFields = fields.filter((f) => f.required || mainSet.has(f.path));
  const moreFields = fields.filter((f) => !(f.required || mainSet.has(f.path)));
  const moreHasError = moreFields.some((f) => errorAt(errors, `config.${f.path}`));
  const pending = formState.isSubmitting || create.isPending || update.isPending;
  const base = `/t/${tenant.slug}`;
  const graceSeconds =
    typeof graceNow === "string" && graceNow.trim() !== "" && Number.isFinite(Number(graceNow))
      ? Number(graceNow)
      : Math.ceil(intervalNow * 0.3);

  return (
    <>
      <form onSubmit={handleSubmit(onSubmit)} noValidate className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <div className="space-y-6">
          {serverError ? (
            <p
              role="alert"
              className="flex items-start gap-2 rounded-md border border-destructive/40 bg-destructive/10 p-3 text-sm text-status-down-foreground"
            >
              <CircleExclamationPoint aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
              {serverError}
            </p>
          ) : null}
          <Card>
            <CardHeader>
              <CardTitle>What to check</CardTitle>
              <CardDescription>{hint?.description ?? `A ${kind} check.`}</CardDescription>
            </CardHeader>
            <CardContent className="space-y-4">
              <Field id="monitor-kind" label="Kind">
                <select
                  id="monitor-kind"
                  className={selectClass}
                  value={kind}
                  disabled={editing}
                  onChange={(e) => {
                    const next = e.target.value;
                    const nextInfo = kinds.find((k) => k.kind === next);
                    setKind(next);
                    setResult(null);
                    form.setValue("kind", next);
                    form.setValue("config", nextInfo ? formValuesOf(configFields(next, nextInfo.configSchema)) : {});
                    form.clearErrors("config");
                  }}
                >
                  {offered.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {labelOf(k.kind)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field id="monitor-name" label="Name" error={errors.name?.message}>
                <Input
                  id="monitor-name"
                  placeholder={push ? "Nightly backup" : "Checkout API"}
                  maxLength={120}
                  aria-invalid={errors.name ? true : undefined}
                  aria-describedby={errors.name ? "monitor-name-error" : undefined}
                  {...register("name")}
                />
              </Field>
              <div className="grid gap-4 sm:grid-cols-2" key={kind}>
                {mainFields.map((f) => (
                  <div key={f.path} className={cn(wide(f) && "sm:col-span-2")}>
                    <ConfigInput
                      field={f}
                      register={register}
                      error={errorAt(errors, `config.${f.path}`)}
                      secrets={monitor?.secretsSet}
                    />
                  </div>
                ))}
              </div>
              {secretsWillClear ? (
                <p role="note" className="text-xs text-muted-foreground">
                  You changed where this monitor connects: its saved secrets ({monitor?.secretsSet?.join(", ")}) will be
                  cleared on save unless you enter them again.
                </p>
              ) : null}
              {moreFields.length ? (
                <details
                  className="group rounded-md border border-border"
                  open={showMore || moreHasError}
                  onToggle={(e) => setShowMore(e.currentTarget.open)}
                >
                  <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium hover:bg-accent">
                    More options ({moreFields.length})
                  </summary>
                  <div className="grid gap-4 p-3 sm:grid-cols-2">
                    {moreFields.map((f) => (
                      <div key={f.path} className={cn(wide(f) && "sm:col-span-2")}>
                        <ConfigInput
                          field={f}
                          register={register}
                          error={errorAt(errors, `config.${f.path}`)}
                          secrets={monitor?.secretsSet}
                        />
                      </div>
                    ))}
                  </div>
                </details>
              ) : null}
              {typeof errors.config?.message === "string" ? (
                <p className="text-xs font-medium text-status-down-foreground">{errors.config.message}</p>
              ) : null}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Schedule and thresholds</CardTitle>
              <CardDescription>
                {push
                  ? "How often the job is expected to call. A change takes effect on the monitor's next check."
                  : "A change takes effect on the monitor's next scheduled check."}
              </CardDescription>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-2">
              <Field
                id="monitor-interval"
                label={push ? "Expected every" : "Check interval"}
                error={errors.intervalSeconds?.message}
                help={
                  push ? `Down after ${intervalNow + graceSeconds} s without a call (interval + grace).` : undefined
                }
              >
                <select id="monitor-interval" className={selectClass} {...register("intervalSeconds")}>
                  {intervals.map((s) => (
                    <option key={s} value={String(s)}>
                      {intervalLabel(s)}
                    </option>
                  ))}
                </select>
              </Field>
              {push ? null : (
                <Field id="monitor-timeout" label="Timeout (ms)" error={errors.timeoutMs?.message}>
                  <Input
                    id="monitor-timeout"
                    type="number"
                    aria-invalid={errors.timeoutMs ? true : undefined}
                    {...register("timeoutMs")}
                  />
                </Field>
              )}
              <Field id="monitor-confirmations" label="Failures before down" error={errors.confirmations?.message}>
                <Input
                  id="monitor-confirmations"
                  type="number"
                  aria-invalid={errors.confirmations ? true : undefined}
                  {...register("confirmations")}
                />
              </Field>
              <Field id="monitor-recovery" label="Successes before up" error={errors.recoveryThreshold?.message}>
                <Input
                  id="monitor-recovery"
                  type="number"
                  aria-invalid={errors.recoveryThreshold ? true : undefined}
                  {...register("recoveryThreshold")}
                />
              </Field>
              {push ? null : (
                <Field
                  id="monitor-degraded"
                  label="Degraded above (ms, optional)"
                  error={errors.degradedThresholdMs?.message}
                >
                  <Input
                    id="monitor-degraded"
                    type="number"
                    placeholder="e.g. 1000"
                    aria-invalid={errors.degradedThresholdMs ? true : undefined}
                    {...register("degradedThresholdMs")}
                  />
                </Field>
              )}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Where to check from</CardTitle>
              <CardDescription>
                {push
                  ? "Where the silence is evaluated; a push monitor needs one region with a live worker."
                  : "Check from several regions so one network's trouble does not page you."}
              </CardDescription>
            </CardHeader>
            <CardContent className="space-y-4">
              <Controller
                control={control}
                name="regions"
                render={({ field }) => (
                  <RegionPicker
                    value={field.value}
                    onChange={(next) => {
                      field.onChange(next);
                      if (formState.errors.regionQuorum) void form.trigger("regionQuorum");
                    }}
                    onBlur={field.onBlur}
                    choices={regionChoices}
                    error={errors.regions?.message ?? errors.regions?.root?.message}
                  />
                )}
              />
              <div className="space-y-1.5">
                <Label htmlFor="monitor-quorum">Down when</Label>
                <div className="flex items-center gap-2 text-sm">
                  <Input
                    id="monitor-quorum"
                    type="number"
                    min={1}
                    max={Math.max(1, selectedRegions.length)}
                    className="w-20"
                    aria-invalid={errors.regionQuorum ? true : undefined}
                    aria-describedby={`monitor-quorum-help${errors.regionQuorum ? " monitor-quorum-error" : ""}`}
                    {...register("regionQuorum")}
                  />
                  <span>
                    of {selectedRegions.length} region{selectedRegions.length === 1 ? "" : "s"} agree
                  </span>
                </div>
                <p id="monitor-quorum-help" className="text-xs text-muted-foreground">
                  {selectedRegions.length > 1
                    ? `1: any region failing marks the monitor down; ${selectedRegions.length}: all must fail.`
                    : "With one region, the monitor is down when that region's check fails."}
                </p>
                {errors.regionQuorum?.message ? (
                  <p id="monitor-quorum-error" className="text-xs font-medium text-status-down-foreground">
                    {errors.regionQuorum.message}
                  </p>
                ) : null}
              </div>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Organise</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-2">
              <Field id="monitor-asset" label="Asset" error={errors.assetId?.message}>
                <select id="monitor-asset" className={selectClass} {...register("assetId")}>
                  <option value="">No asset</option>
                  {assets.map((a) => (
                    <option key={a.id} value={a.id}>
                      {a.name}
                    </option>
                  ))}
                </select>
              </Field>
              <div className="space-y-1.5">
                <Label htmlFor="monitor-tags">Tags</Label>
                <Controller
                  control={control}
                  name="tags"
                  render={({ field }) => (
                    <TagsInput
                      id="monitor-tags"
                      value={field.value}
                      onChange={field.onChange}
                      onBlur={field.onBlur}
                      suggestions={tagSuggestions}
                      error={
                        errors.tags?.message ??
                        (Array.isArray(errors.tags) ? errors.tags.find((t) => t?.message)?.message : undefined)
                      }
                    />
                  )}
                />
              </div>
            </CardContent>
          </Card>

          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={pending}>
              {pending ? <LoaderCircle aria-hidden="true" className="animate-spin" /> : null}
              {editing ? "Save changes" : "Create monitor"}
            </Button>
            <Button variant="outline" asChild>
              <Link href={monitor ? `${base}/monitors/${monitor.id}` : `${base}/monitors`}>Cancel</Link>
            </Button>
          </div>
        </div>

        <aside className="space-y-3 lg:sticky lg:top-20 lg:self-start">
          {push ? (
            <Card>
              <CardHeader>
                <CardTitle>How push monitoring works</CardTitle>
                <CardDescription>Nothing is probed: your job reports in.</CardDescription>
              </CardHeader>
              <CardContent>
                <ol className="list-decimal space-y-2 pl-5 text-sm">
                  <li>
                    {editing
                      ? "The monitor keeps its secret push URL (rotate it on the monitor’s page)."
                      : "Create the monitor: its secret push URL is shown once."}
                  </li>
                  <li>
                    Call it when the job succeeds, e.g.{" "}
                    <code className="break-all rounded bg-muted px-1 py-0.5 font-mono text-xs">
                      curl -fsS --retry 3 &lt;push URL&gt;
                    </code>
                  </li>
                  <li>
                    No call for <span className="font-medium tabular-nums">{intervalNow + graceSeconds} s</span>{" "}
                    (interval {intervalNow} s + grace {graceSeconds} s) counts as a failure.
                  </li>
                </ol>
              </CardContent>
            </Card>
          ) : (
            <Card>
              <CardHeader>
                <CardTitle>Test now</CardTitle>
                <CardDescription>
                  Runs the check once on a probe worker of the monitor&apos;s region with this configuration. Nothing is
                  saved.
                </CardDescription>
              </CardHeader>
              <CardContent className="space-y-3">
                {selectedRegions.length > 1 ? (
                  <div className="space-y-1">
                    <label htmlFor="monitor-test-region" className="text-sm font-medium">
                      Test from region
                    </label>
                    <select
                      id="monitor-test-region"
                      className={selectClass}
                      value={testRegion && selectedRegions.includes(testRegion) ? testRegion : selectedRegions[0]}
                      onChange={(e) => setTestRegion(e.target.value)}
                    >
                      {selectedRegions.map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                  </div>
                ) : null}
                <Button
                  type="button"
                  variant="secondary"
                  className="w-full"
                  onClick={runTest}
                  disabled={test.isPending}
                >
                  {test.isPending ? (
                    <LoaderCircle aria-hidden="true" className="animate-spin" />
                  ) : (
                    <Zap aria-hidden="true" />
                  )}
                  Test now
                </Button>
                {result ? <TestResultPanel result={result} /> : null}
              </CardContent>
            </Card>
          )}
        </aside>
      </form>
      <PushUrlDialog
        token={created?.token ?? null}
        monitorName={created?.name ?? ""}
        onDone={() => {
          const c = created;
          setCreated(null);
          if (c) void done(c.id, `Monitor “${c.name}” created. It is down if no call arrives in time.`);
        }}
      />
    </>
  );
}
