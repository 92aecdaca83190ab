#!/usr/bin/env bash
# Load and abuse of `baogao serve` on the corpus index, on loopback only, bounded in time:
#   1. wrk at concurrency 1, 32 and 256 (DURATION seconds each) over the corpus query mix
#      (benches/queries-corpus.txt, filters included): requests/s, p50/p99 and the count of each
#      status (200 only, and 503 once shedding starts);
#   2. SWAPS index swaps while wrk runs at concurrency 32: the statuses, and the server's open file
#      descriptors, `(deleted)` mappings and threads before and after;
#   3. slowhttptest -H -c 500 -l ATTACK: /healthz polled every second during the attack, each
#      poll with a 1 s limit;
#   4. the abuse matrix: each hostile request's status, and /healthz after each.
# Installs wrk, slowhttptest and curl with apt-get when missing.
# Usage: scripts/hardening.sh     Environment: CORPUS_DIR=../shared/corpus/reports DURATION=30
#        SWAPS=50 ATTACK=60 PORT=7791, BAOGAO=path/to/another/baogao to measure another build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="${CORPUS_DIR:-$root/../shared/corpus/reports}"
duration="${DURATION:-30}"
swaps="${SWAPS:-50}"
attack="${ATTACK:-60}"
port="${PORT:-7791}"
url="http://127.0.0.1:$port"
for tool in wrk slowhttptest curl; do
  command -v "$tool" >/dev/null || { apt-get update -q && apt-get install -y -q wrk slowhttptest curl; break; }
done

baogao="${BAOGAO:-}"
if [ -z "$baogao" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  baogao="$root/target/release/baogao"
fi
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
mkdir "$work/swap"
echo "一、总体情况
新区引进饭团科技项目。" > "$work/swap/xq-2023_某新区2023年工作总结.txt"
"$baogao" index "$corpus" "$work/swap" --index "$work/index" --quiet
RUST_LOG=warn "$baogao" serve --addr "127.0.0.1:$port" --index "$work/index" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -sf "$url/healthz" >/dev/null && break; sleep 0.1; done

# The query mix as request paths, percent-encoded.
python3 - "$root/benches/queries-corpus.txt" > "$work/paths.lua" <<'PY'
import sys, urllib.parse
paths = []
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    query, *filters = line.split("\t")
    pairs = [("q", query.strip())] + [tuple(f.strip().split("=", 1)) for f in filters]
    paths.append("/api/search?" + urllib.parse.urlencode(pairs))
print("paths = {")
for path in paths:
    print('  "%s",' % path)
print("}")
PY
cat "$work/paths.lua" - > "$work/mix.lua" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; counter = 0 end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(total) do table.insert(parts, status .. ": " .. count) end
  table.sort(parts)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("| %.0f | %.2f ms | %.2f ms | %s | %d |\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, table.concat(parts, ", "), errors))
end
LUA

echo "## baogao serve under load: corpus index ($("$baogao" stats --index "$work/index" | head -2 | tr -s ' ' | tr '\n' ' ')), $(nproc) cores"
echo
echo "| concurrency | requests/s | p50 | p99 | statuses | socket errors |"
echo "|---|---|---|---|---|---|"
for connections in 1 32 256; do
  t=2; [ "$connections" -lt 2 ] && t=1
  printf "| %s " "$connections"
  wrk -t"$t" -c"$connections" -d"${duration}s" --timeout 5s -s "$work/mix.lua" "$url" | tail -n 1
done

measure() {
  echo "fds $(ls /proc/$server/fd | wc -l), deleted mappings $(grep -c '(deleted)' /proc/$server/maps || true), threads $(ls /proc/$server/task | wc -l)"
}
echo
echo "## $swaps index swaps during wrk -c32"
echo
echo "before: $(measure)"
wrk -t2 -c32 -d"$((duration * 4))s" --timeout 5s -s "$work/mix.lua" "$url" > "$work/wrk-swaps.txt" &
load=$!
swapped=0
for i in $(seq "$swaps"); do
  echo "一、总体情况
新区引进饭团科技项目，第 $i 次更新。" > "$work/swap/xq-2023_某新区2023年工作总结.txt"
  "$baogao" index "$corpus" "$work/swap" --index "$work/index" --quiet
  # Wait for the server to serve this generation before the next swap.
  for _ in $(seq 100); do
    curl -sf "$url/api/search?q=%E7%AC%AC+$i+%E6%AC%A1%E6%9B%B4%E6%96%B0" | grep -q '"total":1' && { swapped=$((swapped + 1)); break; }
    sleep 0.1
  done
done
kill -INT "$load" 2>/dev/null || true
wait "$load" 2>/dev/null || true
# Let the last requests on the replaced generations finish.
sleep 5
echo "after $swapped swaps served: $(measure)"
echo "| concurrency | requests/s | p50 | p99 | statuses | socket errors |"
echo "|---|---|---|---|---|---|"
printf "| 32 "; tail -n 1 "$work/wrk-swaps.txt"
echo "server log: $(grep -c 'keeping the current index' "$work/server.log" || true) refused generations, $(grep -ci 'panic' "$work/server.log" || true) panics"

echo
echo "## slowhttptest -H -c 500 -l $attack"
echo
slowhttptest -H -c 500 -l "$attack" -r 200 -i 10 -s 8192 -u "$url/healthz" -p 3 > "$work/slow.txt" 2>&1 &
slow=$!
sleep 2
polls=0; failures=0; worst=0
while kill -0 "$slow" 2>/dev/null; do
  started=$(date +%s%N)
  if curl -sf --max-time 1 "$url/healthz" >/dev/null; then :; else failures=$((failures + 1)); fi
  ms=$(( ($(date +%s%N) - started) / 1000000 ))
  [ "$ms" -gt "$worst" ] && worst=$ms
  polls=$((polls + 1))
  sleep 1
done
echo "/healthz during the attack: $polls polls, $failures over 1 s or failed, slowest $worst ms"
# slowhttptest's last status and how the attack ended: "No open connections left" when the
# server closed every slow connection before the attack's time was up.
sed 's/\x1b\[[0-9;]*m//g' "$work/slow.txt" | grep -E "^(slow HTTP test status on|Test ended|Exit status)|^\s*(connected|closed):" | tail -n 5 | sed 's/^ */    /'
echo
echo "## Abuse matrix"
echo
echo "| request | status | /healthz after |"
echo "|---|---|---|"
health() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/healthz"; }
# A status of 000: the server closed the connection before curl read an answer.
row() { echo "| $1 | ${2/#000/closed} | $(health) |"; }
row "offset=10^12" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=%E6%B0%B4&offset=1000000000000")"
row "offset=2^64-1" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=%E6%B0%B4&offset=18446744073709551615")"
row "limit=10^9" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=%E6%B0%B4&limit=1000000000")"
long="$(python3 -c 'print("%E6%B0%B4" * 11400)')"
row "100 KB query" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=$long")"
headers=(); for i in $(seq 200); do headers+=(-H "X-Header-$i: v"); done
row "200 headers" "$(curl -s -o /dev/null -w '%{http_code}' "${headers[@]}" "$url/healthz")"
python3 -c 'print("X-Big: " + "x" * 150000)' > "$work/big-header"
row "150 KB header" "$(curl -s -o /dev/null -w '%{http_code}' -H @"$work/big-header" "$url/healthz")"
head -c 10000000 /dev/zero > "$work/body"
row "10 MB body" "$(curl -s -o /dev/null -w '%{http_code}' -X GET --data-binary @"$work/body" "$url/api/search?q=x")"
row "bad percent-encoding %ZZ" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=%ZZ")"
row "not UTF-8 %FF" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=%FF")"
row "NUL in the query" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/search?q=a%00b")"
row "path traversal /../../etc/passwd" "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "$url/../../etc/passwd")"
row "path traversal /p/..%2F..%2Fetc%2Fpasswd" "$(curl -s -o /dev/null -w '%{http_code}' "$url/p/..%2F..%2Fetc%2Fpasswd")"
row "POST" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/search?q=x")"
kill -0 "$server" && echo && echo "the server is still up"
