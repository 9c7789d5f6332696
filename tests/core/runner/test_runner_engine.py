"""The replay engine against real local servers: captures chain, concurrency honours dependencies,
retries and the breaker show in results, memory stays bounded, Ctrl-C keeps what finished."""

from __future__ import annotations

import asyncio

import pytest

from tui_api.core.collection.model import Body, Collection, Expect, Request
from tui_api.core.runner.engine import RunOptions, Runner
from tui_api.core.runner.plan import build_plan


def collection(*requests, variables=None):
    return Collection(name="test", items=list(requests), variables=variables or {})


async def run(coll, sleep=None, **options):
    plan = build_plan(coll, coll.variables)
    assert plan.problems == []
    opts = RunOptions(sleep=sleep or _nosleep, **options)
    runner = Runner(coll, plan, variables=coll.variables, options=opts)
    return await runner.run()


async def _nosleep(seconds):
    await asyncio.sleep(0)


async def test_captures_chain_through_the_demo_server(demo_server):
    coll = collection(
        Request("create", "POST", "{{base}}/pets", body=Body("json", {"name": "Bo", "tag": "{{tag}}"}),
                expect=Expect(status=[201]), capture={"pet_id": "$.id", "pet_name": "$.name"}),
        Request("read", "GET", "{{base}}/pets/{{pet_id}}",
                expect=Expect(status=[200], json={"$.name": "Bo", "$.tag": "cat", "$.id": {"gt": 0}})),
        Request("search", "GET", "{{base}}/pets", query=[("tag", "cat")],
                expect=Expect(json={"$[*].name": {"contains": "{{pet_name}}"}})),
        variables={"base": demo_server.base_url, "tag": "cat"},
    )
    result = await run(coll)
    outcomes = [(r.planned.name, r.outcome) for r in result.results]
    assert outcomes[:2] == [("create", "passed"), ("read", "passed")], [c.message for r in result.results for c in r.checks]
    assert result.results[0].captured["pet_name"] == "Bo"
    assert result.results[1].exchange.url.endswith(f"/pets/{result.results[0].captured['pet_id']}")


async def test_sequential_runs_in_file_order(faulty):
    paths = [f"/delay/{20 + i}" for i in range(4)]
    coll = collection(*[Request(f"r{i}", "GET", faulty.url(p)) for i, p in enumerate(paths)])
    result = await run(coll)
    assert [r.outcome for r in result.results] == ["passed"] * 4
    for before, after in zip(paths, paths[1:]):
        assert faulty.seq("end", before)[0] < faulty.seq("start", after)[0]


async def test_concurrent_run_honours_dependencies_and_overlaps_the_rest(faulty):
    coll = collection(
        Request("producer", "GET", faulty.url("/delay/400"), capture={"v": "$.ok"}),
        Request("consumer", "GET", faulty.url("/echo") + "?v={{v}}", expect=Expect(json={"$.path": "/echo?v=true"})),
        Request("free one", "GET", faulty.url("/delay/401")),
        Request("free two", "GET", faulty.url("/delay/402")),
    )
    result = await run(coll, jobs=4)
    assert [r.outcome for r in result.results] == ["passed"] * 4, [c.message for r in result.results for c in r.checks]
    producer_end = faulty.seq("end", "/delay/400")[0]
    assert faulty.seq("start", "/echo?v=true")[0] > producer_end
    # independent requests did not wait for the producer
    assert faulty.seq("start", "/delay/401")[0] < producer_end
    assert faulty.seq("start", "/delay/402")[0] < producer_end


async def test_retries_show_in_the_result(faulty, sleep):
    coll = collection(Request("flaky", "GET", faulty.url("/flaky/2/503"), expect=Expect(status=[200])))
    result = await run(coll, sleep=sleep, retries=3)
    only = result.results[0]
    assert only.outcome == "passed" and only.attempts == 3 and result.retries == 2
    assert len(sleep.waits) == 2
    assert result.exit_code() == 0


async def test_breaker_skips_one_host_and_the_run_goes_on(faulty, faulty2, sleep):
    coll = collection(
        *[Request(f"bad {i}", "GET", faulty.url("/status/503"), expect=Expect(status=[200])) for i in range(4)],
        Request("other host", "GET", faulty2.url("/ok"), expect=Expect(status=[200])),
    )
    result = await run(coll, sleep=sleep, retries=0, breaker_threshold=2)
    assert [r.outcome for r in result.results] == ["failed", "failed", "error", "error", "passed"]
    assert result.results[2].exchange.error_kind == "circuit_open"
    assert faulty.hits["/status/503"] == 2
    assert result.exit_code() == 3


async def test_network_error_is_exit_3(sleep):
    coll = collection(Request("refused", "GET", "http://127.0.0.1:9/x"))
    result = await run(coll, sleep=sleep, retries=1)
    assert result.results[0].outcome == "error" and "refused" in result.results[0].message
    assert result.results[0].attempts == 2
    assert result.exit_code() == 3


async def test_bail_stops_after_the_first_failure(faulty):
    coll = collection(
        Request("fails", "GET", faulty.url("/status/404"), expect=Expect(status=[200])),
        Request("never", "GET", faulty.url("/ok")),
    )
    result = await run(coll, bail=True)
    assert [r.outcome for r in result.results] == ["failed", "skipped"]
    assert "--bail" in result.results[1].message and faulty.hits["/ok"] == 0
    assert result.exit_code() == 1


async def test_failed_capture_skips_dependants_with_a_reason(faulty):
    coll = collection(
        Request("no token", "GET", faulty.url("/ok"), capture={"token": "$.token"}),
        Request("needs token", "GET", faulty.url("/echo") + "?t={{token}}"),
    )
    result = await run(coll)
    first, second = result.results
    assert first.outcome == "failed" and "capture token" in first.failed_checks[0].message
    assert second.outcome == "skipped" and "token" in second.message
    assert faulty.hits.get("/echo?t=", 0) == 0


async def test_big_bodies_are_checked_then_cut_for_reports(faulty):
    coll = collection(Request("big", "GET", faulty.url("/big/2000000"),
                              expect=Expect(json={"$.data": {"exists": True}})))
    result = await run(coll, report_body_limit=1000)
    only = result.results[0]
    assert only.outcome == "passed"
    assert only.exchange.body_size == 2000000 and len(only.exchange.body) == 1000 and only.exchange.truncated


async def test_json_check_on_a_body_over_max_body_fails_clearly(faulty):
    coll = collection(Request("big", "GET", faulty.url("/big/50000"), expect=Expect(json={"$.data": {"exists": True}})))
    result = await run(coll, max_body=1000)
    check = result.results[0].failed_checks[0]
    assert "truncated" in check.actual and "raise --max-body" in check.actual


async def test_truncated_response_is_an_error(faulty, sleep):
    coll = collection(Request("cut", "GET", faulty.url("/truncate/1000/10"), expect=Expect(status=[200])))
    result = await run(coll, sleep=sleep, retries=0)
    assert result.results[0].outcome == "error" and "broke off" in result.results[0].message
    assert result.exit_code() == 3


async def test_interrupt_cancels_in_flight_and_keeps_what_finished(faulty):
    coll = collection(
        Request("quick", "GET", faulty.url("/ok")),
        Request("stuck", "GET", faulty.url("/stall/30")),
        Request("never", "GET", faulty.url("/ok?never")),
    )
    plan = build_plan(coll, {})
    runner: Runner

    def on_start(planned):
        if planned.name == "stuck":
            asyncio.get_running_loop().call_later(0.2, runner.interrupt)

    runner = Runner(coll, plan, variables={}, options=RunOptions(retries=0), on_start=on_start)
    result = await asyncio.wait_for(runner.run(), 20)
    assert result.interrupted and result.exit_code() == 130
    assert [r.outcome for r in result.results] == ["passed", "skipped", "skipped"]
    assert "cancelled" in result.results[1].message
    assert faulty.hits.get("/ok?never", 0) == 0


async def test_schema_check_against_the_demo_spec(demo_server, tmp_path):
    pytest.importorskip("tui_api.core.spec.document")
    from tui_api.core.runner.schema import SpecSchemas

    spec = demo_server.write_spec(tmp_path)
    coll = collection(
        Request("list", "GET", demo_server.base_url + "/pets", operation="GET /pets", expect=Expect(schema=True)),
        Request("wrong shape", "GET", demo_server.base_url + "/pets", operation="GET /pets/{petId}",
                expect=Expect(schema=True)),
        Request("unknown op", "GET", demo_server.base_url + "/pets", operation="GET /nowhere",
                expect=Expect(schema=True)),
    )
    plan = build_plan(coll, {})
    runner = Runner(coll, plan, variables={}, options=RunOptions(), schema_source=SpecSchemas(str(spec)))
    result = await runner.run()
    listed, wrong, unknown = result.results
    assert listed.outcome == "passed" and listed.checks[0].passed, listed.checks[0].message
    assert wrong.outcome == "failed" and "is not of type 'object'" in wrong.checks[0].actual
    assert unknown.outcome == "passed" and unknown.checks[0].skipped and "no schema known" in unknown.checks[0].message


async def test_rate_spaces_request_starts(faulty):
    import time

    scheduled: list[float] = []

    async def record(seconds):
        scheduled.append(time.monotonic() + seconds)  # when this start was due
        await asyncio.sleep(0)

    coll = collection(*[Request(f"r{i}", "GET", faulty.url(f"/ok?{i}")) for i in range(5)])
    result = await run(coll, sleep=record, rate=2.0, retries=0)
    assert [r.outcome for r in result.results] == ["passed"] * 5
    # the fake sleep does not wait, so every later start is owed one more slot of 1/rate s
    assert len(scheduled) == 4
    gaps = [b - a for a, b in zip(scheduled, scheduled[1:])]
    assert gaps == pytest.approx([0.5, 0.5, 0.5], abs=0.05)


def test_collection_options_under_command_line_overrides():
    options = RunOptions.from_collection(
        {"idempotency_key": True, "correlation_header": "X-Trace", "traceparent": True, "retries": 5,
         "timeout": 3, "breaker_threshold": 2, "breaker_cool_down": 7, "retry_after_cap": 4},
        retries=1, jobs=4, bail=None)
    assert options.idempotency_keys and options.correlation_header == "X-Trace" and options.traceparent
    assert options.retries == 1 and options.jobs == 4 and options.bail is False
    assert options.timeouts.read == 3 and options.breaker_threshold == 2
    assert options.breaker_cool_down == 7.0 and options.retry_after_cap == 4.0
    assert RunOptions.from_collection({"correlation_header": False}).correlation_header is None
