"""The build's CPU time by phase (plugins/clairvoie/phases.py) goes to the phase that caused it.

No speed is asserted: each check compares the CPU a phase is given with the CPU its
own workers say they used (a lower bound), never with a duration.
"""

import json
import resource
import subprocess
import sys
import threading
import time

from clairvoie import parallel, phases
from clairvoie.generator import phase_name

BURN = "sum(i * i for i in range(3_000_000))"


def burn(_share=()) -> float:
    """Some CPU work; the CPU this process has used so far, as its own rusage says."""
    eval(BURN)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def test_helper_processes_count_to_the_phase_that_started_them():
    timing = phases.Phases()
    with timing.phase("images"):
        results = parallel.for_each(list(range(4)), burn, 2, "des essais")
    helper_cpu = results[1]  # the forked helper's own CPU, all of it spent for this phase
    with timing.phase("feeds"):
        pass
    assert timing.cpu["images"] >= helper_cpu > 0
    assert timing.cpu["feeds"] < helper_cpu


def test_work_left_running_counts_to_its_phase_not_to_the_phases_beside_it():
    timing = phases.Phases()
    spent = {}

    def background():
        child = subprocess.run([sys.executable, "-c", f"import resource; {BURN}; u = resource.getrusage("
                                "resource.RUSAGE_SELF); print(u.ru_utime + u.ru_stime)"],
                               capture_output=True, text=True, check=True)
        spent["child"] = float(child.stdout)
        eval(BURN)
        spent["thread"] = time.thread_time()

    with timing.phase("search"):
        worker = threading.Thread(target=background)
        worker.start()
    timing.in_background("search")
    with timing.phase("feeds"):  # the main thread waits while the search works
        worker.join()
    with timing.phase("search"):
        pass
    timing.background_done("search")
    with timing.phase("calendar"):
        eval(BURN)

    assert timing.cpu["search"] >= spent["child"] + spent["thread"]
    assert timing.cpu["feeds"] < spent["thread"]
    assert timing.cpu["calendar"] > 0  # once done, the background no longer takes a phase's time
    assert list(timing.cpu) == ["search", "feeds", "calendar"]


def test_the_phases_are_written_for_the_benchmark(tmp_path):
    timing = phases.Phases()
    for name in ("model", "pages", "search", "pages"):
        with timing.phase(name):
            eval(BURN)
    timing.report(str(tmp_path / "cache"))
    saved = json.loads((tmp_path / "cache" / phases.PHASES_FILE).read_text(encoding="utf-8"))
    assert [p["name"] for p in saved["phases"]] == ["model", "pages", "search"]
    assert all(p["cpu_seconds"] > 0 and p["wall_seconds"] > 0 for p in saved["phases"])
    # The process's CPU (this test session's, at least) holds every phase's.
    assert sum(p["cpu_seconds"] for p in saved["phases"]) <= saved["cpu_seconds"]


def test_a_channel_is_named_by_its_module():
    from clairvoie.outputs import feeds, search

    assert phase_name(search.write_search_index) == phase_name(search.write_search_pages) == "search"
    assert phase_name(feeds.write_feeds) == "feeds"

    def city_channel(model, site):
        return None

    assert phase_name(city_channel) == __name__


def test_a_rebuild_in_one_process_counts_its_own_cpu_not_the_earlier_builds():
    """pelican --autoreload: the second build's total is its own, not the process's since it began."""
    first = phases.new_build()
    before = time.process_time()
    burn()
    earlier_build_cpu = time.process_time() - before
    assert first.as_json()["cpu_seconds"] >= earlier_build_cpu
    second = phases.new_build()
    assert second.as_json()["cpu_seconds"] < earlier_build_cpu
