#!/usr/bin/env bash
# check-logs-pii.sh DIR — fails when any service log under DIR (the logs the
# integration suite captured) holds personal data: a mainland mobile number
# (11 digits starting 13-19, as a whole number), or one of the phone numbers
# and names the suites seed. Run by scripts/test.sh after ctest.
set -euo pipefail
dir="${1:?usage: check-logs-pii.sh DIR}"
mapfile -t logs < <(find "$dir" -name 'steward-*.log' -type f)
if ((${#logs[@]} == 0)); then
  echo "check-logs-pii: no service logs under $dir; the suite did not run?" >&2
  exit 1
fi
pattern='(?<![0-9])1[3-9][0-9]{9}(?![0-9])|13912345678|138-0013-8000|王小明'
status=0
grep -P -n "$pattern" "${logs[@]}" || status=$?
if ((status == 0)); then
  echo "check-logs-pii: personal data in the service logs above" >&2
  exit 1
elif ((status != 1)); then
  echo "check-logs-pii: grep failed ($status)" >&2
  exit 1
fi
echo "check-logs-pii: ${#logs[@]} service logs, no phone numbers or seeded names"
