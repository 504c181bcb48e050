"""Write bench/RESULTS.md from the JSON the benchmark scripts left in var/."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from common import ROOT, machine

TARGETS = {
    "checkout link": 0.50,
    "get one checkout": 0.50,
    "list page 1, pageSize 16": 0.35,
}


def load(name: str) -> dict | None:
    path = ROOT / "var" / f"bench-{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def main() -> None:
    http, placement, delete = load("http"), load("placement"), load("delete")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC on: {machine()}.",
        "",
        "Reproduce: `make bench` (or `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench bench/run.sh 1000000`).",
        "Server: gunicorn, 4 sync workers, `DEBUG=false`, request log at WARNING, the default local-memory cache;"
        " load: wrk, 2 threads, 32 connections, 2 s warm-up per endpoint before the measured run.",
        "",
    ]
    if http:
        page1 = next(r for r in http["rows"] if r["endpoint"].startswith("list page 1, pageSize 16"))
        lines += [
            f"## HTTP ({http['checkouts']:,} checkouts of the measured tenant, {http['duration_s']} s per endpoint)",
            "",
            "| endpoint | req/s | p50 ms | p99 ms | × /readyz | target | non-2xx |",
            "|---|---:|---:|---:|---:|---|---:|",
        ]
        for row in http["rows"]:
            target = TARGETS.get(row["endpoint"])
            if target is not None:
                verdict = f"≥ {target:.0%} {'✅' if row['ratio_to_readyz'] >= target else '❌'}"
            elif row["endpoint"].startswith(("list deep", "list filtered")):
                ok = row["p99_ms"] <= 3 * page1["p99_ms"]
                verdict = f"p99 ≤ 3× page 1 ({3 * page1['p99_ms']:.1f} ms) {'✅' if ok else '❌'}"
            else:
                verdict = ""
            lines.append(
                f"| {row['endpoint']} | {row['rps']:,} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
                f"{row['ratio_to_readyz']:.0%} | {verdict} | {row['non_2xx']} |"
            )
        lines.append("")
    if placement:
        ok = not placement["oversold"] and placement["double_charges"] == 0
        lines += [
            "## Placement",
            "",
            "| orders/s | p50 ms | p99 ms | orders | hot units sold | hot stock left | oversold | double charges |",
            "|---:|---:|---:|---:|---:|---:|---|---:|",
            f"| {placement['orders_per_second']} | {placement['p50_ms']:.1f} | {placement['p99_ms']:.1f} | "
            f"{placement['orders']} | {placement['hot_units_sold']} | {placement['hot_stock_left']} | "
            f"{'yes ❌' if placement['oversold'] else 'no ✅'} | {placement['double_charges']} |",
            "",
            f"Target ≥ 150 orders/s with zero oversell and zero double charges: {'✅' if ok and placement['orders_per_second'] >= 150 else '❌'}."
            " Requests past the hot product's stock answer 400 out_of_stock (counted as non-2xx by wrk: "
            f"{placement['non_2xx']} of {placement['requests']}).",
            "",
        ]
    if delete:
        ok = delete["seconds"] <= 30 and delete["worker_peak_rss_mb"] < 300
        lines += [
            "## Delete-all",
            "",
            "| checkouts deleted | seconds | worker RSS before | worker peak RSS | orders kept |",
            "|---:|---:|---:|---:|---|",
            f"| {delete['checkouts_deleted']:,} | {delete['seconds']} | {delete['worker_rss_before_mb']} MB | "
            f"{delete['worker_peak_rss_mb']} MB | {delete['orders_kept']} |",
            "",
            f"Target ≤ 30 s with peak RSS under 300 MB: {'✅' if ok else '❌'}.",
            "",
        ]
    notes = ROOT / "bench" / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text()]
    (ROOT / "bench" / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
