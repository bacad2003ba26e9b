"""The load generator: wrk (C, epoll, LuaJIT scripts), so that generating load costs a small part
of the two cores the server also needs.

One Lua script serves every phase. Each wrk thread pre-formats its requests in ``init``:
POST bodies come from the thread's own file (one compact JSON document a line, a disjoint share
of the bodies), GET paths from a file of HOKS ids picked at random, and PATCHes of the same ids
change the learner's e-mail address (a top-level field, as a student information system's
update does; no ``If-Match``, so concurrent updates of one HOKS queue on its row lock). With a
quota the thread stops after that many responses, so a create phase makes a fixed number of
HOKSes; each thread's file carries one spare body per connection for the requests in flight
when it stops.
Every non-2xx status is counted and a few answers are kept for the report.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LUA = r"""
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- args: mode ("post", "get", "patch" or "fixed"), data directory, quota per thread (0: none),
-- token, path
function init(args)
  mode, dir, quota, token, path = args[1], args[2], tonumber(args[3]), args[4], args[5]
  statuses, samples, nsamples, done_count, sent = {}, {}, 0, 0, 0
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Caller-Id"] = "bench",
    ["Accept"] = "application/json",
  }
  reqs = {}
  if mode == "post" then
    headers["Content-Type"] = "application/json"
    for line in io.lines(dir .. "/bodies-" .. id .. ".ndjson") do
      reqs[#reqs + 1] = wrk.format("POST", path, headers, line)
    end
  elseif mode == "fixed" then
    reqs[1] = wrk.format("GET", path, headers)
  elseif mode == "patch" then
    headers["Content-Type"] = "application/json"
    for line in io.lines(dir .. "/ids.txt") do
      local body = '{"id":' .. line .. ',"sahkoposti":"paivitys-' .. line .. '-' .. id
        .. '@example.org"}'
      reqs[#reqs + 1] = wrk.format("PATCH", path .. "/" .. line, headers, body)
    end
    math.randomseed(2000 + id)
  else
    for line in io.lines(dir .. "/ids.txt") do
      reqs[#reqs + 1] = wrk.format("GET", path .. "/" .. line, headers)
    end
    math.randomseed(1000 + id)
  end
end

function request()
  sent = sent + 1
  if mode == "post" then
    return reqs[((sent - 1) % #reqs) + 1]
  end
  return reqs[math.random(#reqs)]
end

function response(status, headers, body)
  done_count = done_count + 1
  if status < 200 or status > 299 then
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if nsamples < 5 then
      nsamples = nsamples + 1
      samples[nsamples] = key .. " " .. string.sub(body or "", 1, 400)
    end
  end
  if quota > 0 and done_count == quota then
    -- wrk's main thread sleeps for --duration whatever its threads do: tell the caller,
    -- who interrupts that sleep (SIGINT) once every thread is done.
    local marker = io.open(dir .. "/done-" .. id, "w")
    marker:close()
    wrk.thread:stop()
  end
end

local function encode(value)
  local t = type(value)
  if t == "table" then
    local parts, is_list = {}, #value > 0
    for k, v in pairs(value) do
      if is_list then
        parts[#parts + 1] = encode(v)
      else
        parts[#parts + 1] = encode(tostring(k)) .. ":" .. encode(v)
      end
    end
    if is_list then return "[" .. table.concat(parts, ",") .. "]" end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif t == "string" then
    local escaped = value:gsub('[%c"\\]', function(c)
      if c == '"' or c == "\\" then return "\\" .. c end
      return string.format("\\u%04x", string.byte(c))
    end)
    return '"' .. escaped .. '"'
  elseif t == "nil" then
    return "null"
  end
  return tostring(value)
end

function done(summary, latency, requests)
  local per_thread = {}
  for i, thread in ipairs(threads) do
    per_thread[i] = {
      statuses = thread:get("statuses"),
      samples = thread:get("samples"),
      sent = thread:get("sent"),
      responses = thread:get("done_count"),
    }
  end
  local out = {
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    errors = summary.errors,
    latency_us = {
      min = latency.min, max = latency.max, mean = latency.mean, stdev = latency.stdev,
      p50 = latency:percentile(50), p90 = latency:percentile(90),
      p95 = latency:percentile(95), p99 = latency:percentile(99),
      p999 = latency:percentile(99.9),
    },
    threads = per_thread,
  }
  io.write("WRKJSON " .. encode(out) .. "\n")
end
"""


def ensure_wrk() -> str:
    """The wrk binary; installs Debian's package when it is missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: run 'sudo apt-get install wrk' and try again")
    print("installing wrk (Debian package) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def wrk_version(wrk: str) -> str:
    result = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).splitlines()[0].strip()


@dataclass
class WrkResult:
    figures: dict[str, Any]
    cpu_seconds: float  # the wrk process's own user + system time
    output: str

    @property
    def seconds(self) -> float:
        return float(self.figures["duration_us"]) / 1e6

    @property
    def requests(self) -> int:
        return int(self.figures["requests"])

    def statuses(self) -> dict[str, int]:
        """Non-2xx answers by status code."""
        total: dict[str, int] = {}
        for thread in self.figures["threads"]:
            statuses = thread.get("statuses") or {}
            for code, count in statuses.items() if isinstance(statuses, dict) else []:
                total[code] = total.get(code, 0) + int(count)
        return total

    def samples(self) -> list[str]:
        found: list[str] = []
        for thread in self.figures["threads"]:
            found.extend(thread.get("samples") or [])
        return found

    def socket_errors(self) -> dict[str, int]:
        errors = self.figures.get("errors") or {}
        return {k: int(v) for k, v in errors.items() if k != "status" and int(v)}

    def summary(self) -> dict[str, Any]:
        lat = self.figures["latency_us"]
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "per_second": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "latency_ms": {k: round(float(v) / 1000, 2) for k, v in lat.items()},
            "non_2xx": self.statuses(),
            "socket_errors": self.socket_errors(),
            "error_samples": self.samples(),
            "load_generator_cpu_s": round(self.cpu_seconds, 2),
        }


def write_post_files(directory: Path, bodies: list[bytes], threads: int) -> None:
    """Deal ``bodies`` round-robin into one file per wrk thread."""
    directory.mkdir(parents=True, exist_ok=True)
    shares: list[list[bytes]] = [[] for _ in range(threads)]
    for index, body in enumerate(bodies):
        shares[index % threads].append(body)
    for thread, share in enumerate(shares):
        (directory / f"bodies-{thread}.ndjson").write_bytes(b"\n".join(share) + b"\n")


def write_get_file(directory: Path, ids: list[int]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "ids.txt").write_text("".join(f"{i}\n" for i in ids))


def run(
    wrk: str,
    base_url: str,
    path: str,
    *,
    mode: str,
    data_dir: Path,
    token: str,
    threads: int,
    connections: int,
    seconds: float,
    quota_per_thread: int = 0,
) -> WrkResult:
    """Run wrk once; ``seconds`` is the phase length, or the upper bound with a quota."""
    script = data_dir / "bench.lua"
    script.write_text(LUA)
    command = [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={script}",
        base_url,
        "--",
        mode,
        str(data_dir),
        str(quota_per_thread),
        token,
        path,
    ]
    for marker in data_dir.glob("done-*"):
        marker.unlink()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    try:
        status, usage = _wait(process, data_dir, threads if quota_per_thread else 0)
    finally:
        if process.returncode is None:  # interrupted: leave no wrk behind
            process.kill()
            process.wait()
    output = process.stdout.read().decode(errors="replace")
    if status != 0:
        raise RuntimeError(f"wrk failed ({status}):\n{output}")
    line = next((x for x in output.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    figures = json.loads(line.removeprefix("WRKJSON "))
    return WrkResult(figures, usage.ru_utime + usage.ru_stime, output)


def _wait(
    process: subprocess.Popen[bytes], data_dir: Path, markers: int
) -> tuple[int, resource.struct_rusage]:
    """Wait for wrk, interrupting it once ``markers`` threads have met their quota; returns
    its exit status and resource usage."""
    interrupted = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return process.returncode, usage
        if markers and not interrupted and len(list(data_dir.glob("done-*"))) >= markers:
            process.send_signal(signal.SIGINT)
            interrupted = True
        time.sleep(0.002)
