/**
 * The notebook's on-start lifecycle script that stops it after N idle minutes: idle notebooks are the classic
 * cost leak (an ml.t3.medium left on is ~$36/month, an ml.m5.xlarge ~$167).
 *
 * How it works, modelled on AWS's `auto-stop-idle` sample but self-contained (it downloads nothing, so it also
 * works on a VPC-only notebook without internet access):
 * - on every start, it writes a small Python check to /home/ec2-user/.ml-platform/autostop.py;
 * - cron (or, where cronie isn't installed, a systemd timer) runs the check every 5 minutes;
 * - the check asks the local Jupyter server (https://localhost:8443/api/{sessions,terminals}) for the last activity of
 *   every kernel and terminal; a busy kernel counts as active now; with nothing open, the time since boot counts;
 * - when the newest activity is older than the limit, it stops its own instance (boto3 from Jupyter's environment,
 *   or the AWS CLI), with the name and region read from /opt/ml/metadata/resource-metadata.json; the role allows
 *   exactly that, on this notebook's name only.
 * Lifecycle scripts run as root and must finish within 5 minutes, so this one only installs files and returns.
 */

/** Lifecycle scripts are limited to 16384 characters once base64-encoded. */
export const LIFECYCLE_SCRIPT_MAX_BASE64 = 16384;

export const IDLE_STOP_MIN_MINUTES = 10;
export const IDLE_STOP_MAX_MINUTES = 24 * 60;

const AUTOSTOP_PY = `#!/usr/bin/env python3
"""Stops this SageMaker notebook instance when Jupyter has been idle longer than --idle-minutes."""
import argparse, datetime, json, ssl, subprocess, sys, urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--idle-minutes", type=int, required=True)
args = parser.parse_args()

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE  # Jupyter's certificate on localhost is self-signed.

def get(path):
    with urllib.request.urlopen("https://localhost:8443" + path, context=context, timeout=10) as response:
        return json.load(response)

def parse(timestamp):
    return datetime.datetime.strptime(timestamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)

now = datetime.datetime.now(datetime.timezone.utc)
with open("/proc/uptime") as uptime:
    last_activity = now - datetime.timedelta(seconds=float(uptime.read().split()[0]))
try:
    for session in get("/api/sessions"):
        kernel = session.get("kernel") or {}
        if kernel.get("execution_state") == "busy":
            last_activity = now
        elif kernel.get("last_activity"):
            last_activity = max(last_activity, parse(kernel["last_activity"]))
    for terminal in get("/api/terminals"):
        if terminal.get("last_activity"):
            last_activity = max(last_activity, parse(terminal["last_activity"]))
except Exception as error:  # Jupyter not up yet, or restarting: never stop on an error.
    print(f"autostop: cannot read Jupyter activity ({error}); not stopping", file=sys.stderr)
    sys.exit(0)

idle_minutes = (now - last_activity).total_seconds() / 60
if idle_minutes < args.idle_minutes:
    print(f"autostop: idle {idle_minutes:.0f} of {args.idle_minutes} minutes")
    sys.exit(0)

with open("/opt/ml/metadata/resource-metadata.json") as metadata:
    resource = json.load(metadata)
name, region = resource["ResourceName"], resource["ResourceArn"].split(":")[3]
print(f"autostop: idle {idle_minutes:.0f} minutes, stopping notebook instance {name}")
try:
    import boto3
except ImportError:
    subprocess.run(["aws", "sagemaker", "stop-notebook-instance", "--region", region,
                    "--notebook-instance-name", name], check=True)
else:
    boto3.client("sagemaker", region_name=region).stop_notebook_instance(NotebookInstanceName=name)
`;

/** The on-start shell script (plain text) for a given idle limit. */
export function idleStopScript(idleMinutes: number): string {
  if (
    !Number.isInteger(idleMinutes) ||
    idleMinutes < IDLE_STOP_MIN_MINUTES ||
    idleMinutes > IDLE_STOP_MAX_MINUTES
  ) {
    throw new RangeError(
      `idleMinutes must be an integer from ${IDLE_STOP_MIN_MINUTES} to ${IDLE_STOP_MAX_MINUTES}; got ${idleMinutes}`,
    );
  }
  return `#!/bin/bash
# ml-platform: stop this notebook instance after ${idleMinutes} idle minutes.
set -euo pipefail
DIR=/home/ec2-user/.ml-platform
mkdir -p "$DIR"
cat > "$DIR/autostop.py" <<'AUTOSTOP_PY'
${AUTOSTOP_PY}AUTOSTOP_PY
chmod 0755 "$DIR/autostop.py"
# Prefer an interpreter that has boto3 (Jupyter's own environment); otherwise the script falls back to the CLI.
PYTHON=/usr/bin/python3
for candidate in /home/ec2-user/anaconda3/envs/JupyterSystemEnv/bin/python /usr/bin/python3; do
  if [ -x "$candidate" ] && "$candidate" -c "import boto3" >/dev/null 2>&1; then PYTHON="$candidate"; break; fi
done
COMMAND="$PYTHON $DIR/autostop.py --idle-minutes ${idleMinutes}"
if command -v crontab >/dev/null 2>&1; then
  # Replace any previous entry, so a changed limit takes effect on the next start.
  ( crontab -l 2>/dev/null | grep -v 'ml-platform/autostop.py' || true
    echo "*/5 * * * * PATH=/usr/local/bin:/usr/bin:/bin $COMMAND >> /var/log/ml-platform-autostop.log 2>&1" ) | crontab -
else
  cat > /etc/systemd/system/ml-platform-autostop.service <<UNIT
[Unit]
Description=Stop this notebook instance when Jupyter is idle
[Service]
Type=oneshot
ExecStart=$COMMAND
UNIT
  cat > /etc/systemd/system/ml-platform-autostop.timer <<'UNIT'
[Unit]
Description=Check Jupyter idleness every 5 minutes
[Timer]
OnBootSec=5min
OnUnitActiveSec=5min
[Install]
WantedBy=timers.target
UNIT
  systemctl daemon-reload
  systemctl enable --now ml-platform-autostop.timer
fi
`;
}

/** The script base64-encoded, as `NotebookInstanceLifecycleConfiguration.onStart` expects. */
export function idleStopOnStartBase64(idleMinutes: number): string {
  return Buffer.from(idleStopScript(idleMinutes), "utf8").toString("base64");
}
