"""What the terminal shows: a header, the live panel, one line per alert, and the closing journey map."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from pipeline.demo.outputs import AlertLine, OutputTally
from pipeline.journey_map import JourneyMap

LEVEL_STYLES = {"at_risk": "bold yellow", "churn_threshold": "bold red", "ok": "bold green"}
RATE_WINDOW_S = 3.0


def header(*, session: str, directory: Path, planned: int, seconds: float, rate: float) -> Panel:
    """Says what is about to happen and where the files are."""
    lines = Text.assemble(
        ("emotion-pipeline demo", "bold"),
        f"  (session {session})\n",
        f"Kafka broker   a local single-node Kafka, files in {directory / 'kafka'}\n",
        f"Worker         'emotion-pipeline worker', log and state in {directory / 'worker'}\n",
        f"Traffic        {planned:,} synthetic events (English and Chinese) at {rate:g}/s for about "
        f"{seconds:.0f} s: smooth, bumpy, churning and recovering customers, with duplicates, late and "
        "out-of-order events and a few malformed records\n",
        "Watch          alerts before a customer's third bad experience, dead letters, the journey map",
    )
    return Panel(lines, expand=False)


@dataclass
class LiveState:
    """What the live panel draws, updated by the producing loop."""

    planned: int
    seconds: float
    produced: int = 0
    started: float = field(default_factory=time.monotonic)
    recent: deque[tuple[float, int]] = field(default_factory=deque)

    def record_progress(self, produced: int) -> None:
        now = time.monotonic()
        self.produced = produced
        self.recent.append((now, produced))
        while self.recent and now - self.recent[0][0] > RATE_WINDOW_S:
            self.recent.popleft()

    @property
    def events_per_second(self) -> float:
        if len(self.recent) < 2:
            return 0.0
        (first_time, first_count), (last_time, last_count) = self.recent[0], self.recent[-1]
        return (last_count - first_count) / (last_time - first_time) if last_time > first_time else 0.0

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))


def live_panel(state: LiveState, tally: OutputTally) -> Panel:
    """Events per second, progress, and counts of what the worker produced."""
    with tally.lock:
        enriched = tally.enriched
        dead = sum(tally.dead_letters.values())
        kinds = ", ".join(f"{kind} {count}" for kind, count in tally.dead_letters.most_common(3))
        at_risk, threshold, recovered = (tally.alerts[name] for name in ("at_risk", "churn_threshold", "ok"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row(
        "produced",
        Group(
            ProgressBar(total=max(1, state.planned), completed=state.produced, width=40),
            f"{state.produced:,} / {state.planned:,} events   {state.events_per_second:,.0f} events/s   "
            f"{state.seconds_left:.0f} s left",
        ),
    )
    grid.add_row("enriched", f"{enriched:,}")
    grid.add_row("dead letters", f"{dead:,}" + (f"  ({kinds})" if kinds else ""))
    grid.add_row(
        "alerts",
        Text.assemble(
            (f"at_risk {at_risk}", LEVEL_STYLES["at_risk"]),
            "   ",
            (f"churn_threshold {threshold}", LEVEL_STYLES["churn_threshold"]),
            "   ",
            (f"recovered {recovered}", LEVEL_STYLES["ok"]),
        ),
    )
    return Panel(grid, title="live", width=96)


def alert_text(line: AlertLine) -> Text:
    """One alert as a line: level, customer, strikes, emotion, stage and what the CRM should do."""
    where = f"{line.journey}/{line.stage}" if line.journey and line.stage else "-"
    return Text.assemble(
        (f"{line.level:<15}", LEVEL_STYLES.get(line.level, "bold")),
        f" {line.customer_id}  {line.strikes}/{line.threshold} strikes  ",
        f"{line.dominant_emotion or '-':<12} {where:<28} ",
        ("-> ", "dim"),
        f"{line.action} within {readable_duration(line.respond_within)}",
    )


def readable_duration(iso: str) -> str:
    """An ISO 8601 duration the short way: ``PT3H24M`` as ``3h24m``, ``P1D`` as ``1d``."""
    return iso.removeprefix("P").replace("T", "").lower() or "0s"


def dominant_emotion(means: dict[str, float]) -> str:
    """The emotion with the highest mean score, or '-' when every mean is zero."""
    name, score = max(means.items(), key=lambda item: item[1], default=("-", 0.0))
    return name if score > 0 else "-"


def journey_table(journey_map: JourneyMap, missing_partitions: list[int]) -> Table:
    """Per stage, left to right: volume, experience split, valence, ratio, top reason, dominant emotion."""
    title = f"journey map: {journey_map.journey} (hour windows merged)"
    if missing_partitions:
        title += f"  [incomplete: partitions {missing_partitions} did not answer]"
    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("stage", "left"),
        ("events", "right"),
        ("good/neutral/bad", "right"),
        ("mean valence", "right"),
        ("pos:neg", "right"),
        ("top reason", "left"),
        ("dominant emotion", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for stage in journey_map.stages:
        summary = stage.summary
        ratio = summary.positive_negative_ratio
        valence = summary.mean_valence
        valence_style = "green" if valence > 0.05 else "red" if valence < -0.05 else ""
        table.add_row(
            stage.stage,
            f"{summary.events:,}",
            f"{summary.good}/{summary.neutral}/{summary.bad}",
            Text(f"{summary.mean_valence:+.2f}", style=valence_style),
            "-" if ratio is None else f"{ratio:.2f}",
            summary.top_reasons[0].rule if summary.top_reasons else "-",
            dominant_emotion(summary.emotion_means.model_dump()),
        )
    return table


def closing_notes(*, base_url: str, token: str, kept: bool, directory: Path) -> RenderableType:
    """Where to look next: metrics, the journey-map page and its token."""
    lines = [
        f"metrics           {base_url}/metrics",
        f"journey-map page  {base_url}/journey-map?token={token}   (or paste the token into the page)",
        f"API token         {token}",
        f"                  curl -H 'Authorization: Bearer {token}' "
        f"'{base_url}/api/journey-map?journey=travel&window=3600'",
    ]
    if kept:
        lines.append(
            f"still running: stop with  kill $(cat {directory / 'worker.pid'}) && "
            f"emotion-pipeline kafka stop --dir {directory / 'kafka'}"
        )
    else:
        lines.append("(these stop with the demo; run with --keep-running to explore them afterwards)")
    return Text("\n".join(lines))
