#!/usr/bin/env bash
# Load benchmark of `baogao serve` on the seed index: requests/s and latency percentiles for a
# fixed mix of 24 queries (GET /api/search), at concurrency 1 and 32, with wrk on loopback.
# Bounded: DURATION seconds per run (default 10). Needs wrk (apt-get install -y wrk).
# Usage: scripts/load.sh            Environment: DURATION=10 THREADS=2 PORT=7790
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${DURATION:-10}"
threads="${THREADS:-2}"
port="${PORT:-7790}"
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
"$root/target/release/baogao" index "$root/seeds" --index "$work/index" --quiet
"$root/target/release/baogao" serve --addr "127.0.0.1:$port" --index "$work/index" 2>"$work/server.log" &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

# The query mix: names, numbers, one character, traditional, full width, compounds, phrases,
# exclusion, OR, filters.
cat > "$work/mix.lua" <<'LUA'
local queries = {
  "q=%E5%8D%8E%E5%8B%A4",                                   -- 华勤
  "q=%E5%A1%94%E6%96%AF%E6%B1%80",                          -- 塔斯汀
  "q=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B5%84",                 -- 招商引资
  "q=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B3%87",                 -- 招商引資
  "q=%E5%86%9C%E5%A4%AB%E5%B1%B1%E6%B3%89",                 -- 农夫山泉
  "q=14.2%25",                                              -- 14.2%
  "q=%EF%BC%91%EF%BC%94%EF%BC%8E%EF%BC%92%EF%BC%85",        -- １４．２％
  "q=133.6%E4%BA%BF%E5%85%83",                              -- 133.6亿元
  "q=%E5%9B%BD%E9%81%93205%E7%BA%BF",                       -- 国道205线
  "q=12345",
  "q=AA%2B",                                                -- AA+
  "q=%E6%B0%B4",                                            -- 水
  "q=%E5%85%9A",                                            -- 党
  "q=%E5%8F%91%E5%B1%95",                                   -- 发展
  "q=%E6%99%BA%E8%83%BD%E5%88%B6%E9%80%A0",                 -- 智能制造
  "q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83",                 -- 营商环境
  "q=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B5%84%E5%9F%BA%E9%87%91", -- 招商引资基金 (falls back to words)
  "q=%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD",                 -- 人工智能 (no hits)
  "q=%22%E4%BA%A7%E4%B8%9A%E9%9B%86%E7%BE%A4%22",           -- "产业集群"
  "q=%E5%8D%8E%E5%8B%A4+%E4%BA%8C%E6%9C%9F",                -- 华勤 二期
  "q=%E5%8D%8E%E5%8B%A4+-%E4%BA%8C%E6%9C%9F",               -- 华勤 -二期
  "q=%E5%A1%94%E6%96%AF%E6%B1%80+OR+%E9%A5%AD%E9%A5%AD%E5%BE%97", -- 塔斯汀 OR 饭饭得
  "q=%E6%B0%B4&section=%E5%9B%9B",                          -- 水 --section 四
  "q=%E5%BB%BA%E8%AE%BE&section=%E5%85%9A%E7%9A%84%E5%85%A8%E9%9D%A2%E9%A2%86%E5%AF%BC", -- 建设 in 党的全面领导
}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/search?" .. queries[(counter % #queries) + 1])
end
local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests/s %.0f | p50 %.2f ms | p99 %.2f ms | max %.2f ms | %d requests | non-2xx %d | socket errors %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

echo "baogao load benchmark: seed index, 24-query mix, ${duration}s per run, wrk -t$threads, $(nproc) cores"
for connections in 1 32; do
  t=$threads; [ "$connections" -lt "$t" ] && t=$connections
  printf "concurrency %2d: " "$connections"
  wrk -t"$t" -c"$connections" -d"${duration}s" -s "$work/mix.lua" "http://127.0.0.1:$port" | tail -n 1
done
