#!/usr/bin/env bash
# check-logs-pii.sh DIR — fails when any service log under DIR (the logs the
# integration suite captured) holds personal data: a mainland mobile number
# in any spelling (separators between digits stripped first, so
# 139-0000-1111 and +86 137 0000 3333 count, as do numbers with a +86/86
# prefix), or one of the values the suites seed, listed once in
# tests/support/seeded_personal_data.tsv (phones compared as digits, names
# and distinctive rooms as text, households as whole codes). Also fails
# when DIR holds no service log or only empty ones (the suite did not run).
# Run by scripts/test.sh after ctest. One pass of perl over the logs.
set -euo pipefail
dir="${1:?usage: check-logs-pii.sh DIR}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fixture="${STEWARD_PII_FIXTURE:-$root/tests/support/seeded_personal_data.tsv}"
[ -s "$fixture" ] || { echo "check-logs-pii: no fixture $fixture" >&2; exit 1; }
mapfile -t logs < <(find "$dir" -name 'steward-*.log' -type f)
if ((${#logs[@]} == 0)); then
  echo "check-logs-pii: no service logs under $dir; the suite did not run?" >&2
  exit 1
fi
if ! find "${logs[@]}" -maxdepth 0 -size +0c | grep -q .; then
  echo "check-logs-pii: all ${#logs[@]} service logs under $dir are empty" >&2
  exit 1
fi
# Exit status: 0 clean, 1 personal data found (lines printed), 2 bad fixture.
status=0
STEWARD_PII_FIXTURE="$fixture" perl -CSD -Mutf8 -e '
  use strict; use warnings;
  my (%phone, @text, @household);
  open(my $f, "<:encoding(UTF-8)", $ENV{STEWARD_PII_FIXTURE}) or exit 2;
  while (my $line = <$f>) {
    chomp $line;
    next if $line =~ /^\s*(#|$)/;
    my ($kind, $value) = split /\t/, $line, 2;
    exit 2 unless defined $value && length $value;
    if ($kind eq "phone") {
      (my $digits = $value) =~ s/\D//g;
      $digits =~ s/^86(?=1\d{10}$)//;
      $phone{$digits} = 1;
    } elsif ($kind eq "name" || $kind eq "room") {
      push @text, quotemeta $value;
    } elsif ($kind eq "household") {
      push @household, quotemeta $value;
    } else {
      exit 2;
    }
  }
  exit 2 unless %phone && @text && @household;
  my $text = @text ? join("|", @text) : "(?!)";
  my $households = join("|", @household);
  my $seeded = join("|", map { quotemeta } sort keys %phone);
  my $found = 0;
  while (my $line = <>) {
    # Digits joined across spaces, hyphens (ASCII and CJK dashes) and dots.
    (my $joined = $line) =~ s/(?<=\d)[ \t.\-\x{2010}-\x{2015}\x{30FC}\x{FF0D}]+(?=\+?\d)//g;
    if ($joined =~ /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/ ||
        $joined =~ /(?<!\d)(?:$seeded)(?!\d)/ ||
        $line =~ /$text/ ||
        $line =~ /(?<![\d-])(?:$households)(?![\d-])/) {
      print "$ARGV:$.: $line";
      $found = 1;
    }
  } continue {
    close ARGV if eof;  # $. counts per file
  }
  exit $found;
' "${logs[@]}" || status=$?
if ((status == 1)); then
  echo "check-logs-pii: personal data in the service logs above" >&2
  exit 1
elif ((status != 0)); then
  echo "check-logs-pii: bad fixture $fixture or perl failed ($status)" >&2
  exit 1
fi
echo "check-logs-pii: ${#logs[@]} service logs, no phone numbers, seeded names, households or rooms"
