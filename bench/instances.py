"""Several ``ehoks serve`` instances on one database, loaded together: one wrk per instance
with its share of the connections (and, for creates, of the bodies), run at the same time.
That is the load split of a load balancer without one in the path, whose own CPU would be
taken from the two cores the servers need. The figures of the wrk runs are combined: requests
add up over the longest run's time; latency percentiles are those of the slower instance
(percentiles of separate runs cannot be merged exactly, so this errs on the high side)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import procstats
import wrkload
from service import Server


class Servers:
    """N ``ehoks serve`` processes with W workers each, on ports of their own."""

    def __init__(self, env: dict[str, str], instances: int, workers: int, work: Path) -> None:
        self.servers = [Server(env, workers, work / f"server-{i}.log") for i in range(instances)]

    def start(self) -> None:
        for server in self.servers:
            server.start()

    @property
    def base_urls(self) -> list[str]:
        return [server.base_url for server in self.servers]

    @property
    def pids(self) -> list[int]:
        return [server.pid for server in self.servers]

    def worker_pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.worker_pids()]

    def worker_peaks(self) -> list[int]:
        """Each worker's own peak RSS (VmHWM), bytes."""
        return [procstats.hwm(pid) for pid in self.worker_pids()]

    def token(self) -> str:
        return self.servers[0].token()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def log_tail(self) -> str:
        return "\n".join(server.log_tail() for server in self.servers)


@dataclass
class Combined:
    results: list[wrkload.WrkResult]

    @property
    def cpu_seconds(self) -> float:
        return sum(result.cpu_seconds for result in self.results)

    def summary(self) -> dict[str, Any]:
        parts = [result.summary() for result in self.results]
        if len(parts) == 1:
            return parts[0]
        seconds = max(part["seconds"] for part in parts)
        requests = sum(part["requests"] for part in parts)
        non_2xx: dict[str, int] = {}
        sockets: dict[str, int] = {}
        for part in parts:
            for code, n in part["non_2xx"].items():
                non_2xx[code] = non_2xx.get(code, 0) + n
            for code, n in part["socket_errors"].items():
                sockets[code] = sockets.get(code, 0) + n
        latency = {
            key: max(part["latency_ms"][key] for part in parts) for key in parts[0]["latency_ms"]
        }
        latency["mean"] = round(
            sum(part["latency_ms"]["mean"] * part["requests"] for part in parts) / max(1, requests),
            2,
        )
        return {
            "requests": requests,
            "seconds": seconds,
            "per_second": round(requests / seconds, 1) if seconds else 0.0,
            "latency_ms": latency,
            "latency_note": "percentiles and max: the slower instance's",
            "non_2xx": non_2xx,
            "socket_errors": sockets,
            "error_samples": [s for part in parts for s in part["error_samples"]][:5],
            "load_generator_cpu_s": round(self.cpu_seconds, 2),
            "per_instance_per_second": [part["per_second"] for part in parts],
        }


def run(base_urls: list[str], data_dirs: list[Path], **wrk_args: Any) -> Combined:
    """wrk against every instance at once; ``connections`` is the total, split evenly."""
    n = len(base_urls)
    connections = wrk_args.pop("connections") // n
    results: list[wrkload.WrkResult | None] = [None] * n
    failures: list[BaseException] = []

    def one(index: int) -> None:
        try:
            results[index] = wrkload.run(
                base_url=base_urls[index],
                data_dir=data_dirs[index],
                connections=connections,
                **wrk_args,
            )
        except BaseException as exc:  # raised in the caller's thread below
            failures.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return Combined([result for result in results if result is not None])
