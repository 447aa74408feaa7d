"""A real single-node Apache Kafka (KRaft, broker + controller) that the project starts by itself.

No Docker: the broker's jars come from Maven Central through ``deploy/local-kafka/pom.xml`` and are cached
under the user's cache directory, so only the first start needs the network. Java 17+ runs the broker in
the background on free 127.0.0.1 ports; everything it writes stays in one directory.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pipeline.domain.errors import LocalKafkaError

KAFKA_VERSION: Final[str] = "3.9.1"
MIN_JAVA_MAJOR: Final[int] = 17
STARTED_MARKER: Final[str] = "Kafka Server started"
POM_PATH: Final[Path] = Path(__file__).resolve().parents[2] / "deploy" / "local-kafka" / "pom.xml"

_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


@dataclass(frozen=True)
class BrokerListener:
    """One client listener: its name, security protocol and extra broker properties (SASL, TLS)."""

    name: str = "PLAINTEXT"
    protocol: str = "PLAINTEXT"
    properties: Mapping[str, str] = field(default_factory=dict)


def scram_credential(mechanism: str, username: str, password: str) -> str:
    """A ``StorageTool format --add-scram`` argument: the SCRAM user exists before the broker first starts."""
    return f"{mechanism}=[name={username},password={password}]"


def _jaas_quoted(value: str) -> str:
    if '"' in value or "\\" in value or "\n" in value:
        raise LocalKafkaError(
            "SASL user names and passwords of the local broker cannot hold quotes, backslashes or newlines"
        )
    return f'"{value}"'


def _properties_text(pem: Path) -> str:
    # Property values are written as they are, one per line: Java's Properties turns "\n" back into newlines.
    return pem.read_text(encoding="ascii").strip().replace("\n", "\\n")


def sasl_ssl_listener(
    *,
    ca_cert: Path,
    broker_cert: Path,
    broker_key: Path,
    broker_user: str,
    broker_password: str,
    plain_users: Mapping[str, str] | None = None,
    name: str = "SECURE",
) -> BrokerListener:
    """A SASL_SSL client listener: SCRAM-SHA-512 (and PLAIN when ``plain_users`` is given) over TLS.

    The broker's certificate chain and unencrypted PKCS#8 key are PEM files, inlined into the properties;
    ``ca_cert`` is its trust store. The broker talks to itself as ``broker_user`` over SCRAM-SHA-512, so
    pass ``scram_credential("SCRAM-SHA-512", broker_user, broker_password)`` in ``start``'s
    ``scram_credentials``.
    """
    prefix = f"listener.name.{name.lower()}"
    mechanisms = ["SCRAM-SHA-512"]
    properties = {
        "sasl.mechanism.inter.broker.protocol": "SCRAM-SHA-512",
        f"{prefix}.scram-sha-512.sasl.jaas.config": (
            "org.apache.kafka.common.security.scram.ScramLoginModule required "
            f"username={_jaas_quoted(broker_user)} password={_jaas_quoted(broker_password)};"
        ),
        "ssl.keystore.type": "PEM",
        "ssl.keystore.certificate.chain": _properties_text(broker_cert),
        "ssl.keystore.key": _properties_text(broker_key),
        "ssl.truststore.type": "PEM",
        "ssl.truststore.certificates": _properties_text(ca_cert),
        "ssl.endpoint.identification.algorithm": "https",
    }
    if plain_users:
        mechanisms.append("PLAIN")
        users = " ".join(f"user_{user}={_jaas_quoted(password)}" for user, password in plain_users.items())
        properties[f"{prefix}.plain.sasl.jaas.config"] = (
            "org.apache.kafka.common.security.plain.PlainLoginModule required "
            f"username={_jaas_quoted(broker_user)} password={_jaas_quoted(broker_password)} {users};"
        )
    properties["sasl.enabled.mechanisms"] = ",".join(mechanisms)
    return BrokerListener(name=name, protocol="SASL_SSL", properties=properties)


@dataclass(frozen=True)
class RunningBroker:
    """A started broker: where it listens and where its files are."""

    directory: Path
    bootstrap: str
    pid: int
    log_file: Path


def cache_dir() -> Path:
    """Where the broker jars are cached between runs (XDG cache directory by default)."""
    override = os.environ.get("EMOTION_PIPELINE_KAFKA_CACHE")
    if override:
        return Path(override)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "emotion-pipeline" / f"kafka-{KAFKA_VERSION}"


def find_java() -> str:
    """The java executable (JAVA_HOME first), checked to be version 17 or newer."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise LocalKafkaError(
            "Java was not found: install a Java 17+ runtime (e.g. 'apt-get install openjdk-17-jre-headless') "
            "or set JAVA_HOME"
        )
    probe = subprocess.run([candidate, "-version"], capture_output=True, text=True, check=False)
    match = _JAVA_VERSION.search(probe.stderr + probe.stdout)
    if not match:
        raise LocalKafkaError(
            f"could not read the Java version from '{candidate} -version': {probe.stderr.strip()}"
        )
    major = int(match.group(1))
    if major == 1 and match.group(2):  # "1.8" style
        major = int(match.group(2))
    if major < MIN_JAVA_MAJOR:
        raise LocalKafkaError(
            f"Java {major} is too old: Kafka {KAFKA_VERSION} needs Java {MIN_JAVA_MAJOR}+ ({candidate})"
        )
    return candidate


def ensure_jars(*, quiet: bool = True) -> Path:
    """Return the directory of the broker's jars, fetching them with Maven on the first call."""
    libs = cache_dir() / "libs"
    marker = cache_dir() / ".complete"
    if marker.exists() and any(libs.glob("kafka_2.13-*.jar")):
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise LocalKafkaError(
            f"Maven (mvn) is not installed and no cached Kafka jars were found in {libs}: install Maven "
            "(e.g. 'apt-get install maven') for the first start"
        )
    if not POM_PATH.exists():
        raise LocalKafkaError(f"the local-Kafka pom is missing ({POM_PATH}): run from a source checkout")
    staging = cache_dir() / f"libs.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    command = [
        mvn,
        "-B",
        "-f",
        str(POM_PATH),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={staging}",
        "-DincludeScope=runtime",
    ]
    if quiet:
        command.insert(1, "-q")
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise LocalKafkaError(f"Maven could not fetch the Kafka {KAFKA_VERSION} jars:\n{tail}")
    # Another process may have finished first; either copy is complete, keep the one in place.
    with contextlib.suppress(OSError):
        if libs.exists():
            shutil.rmtree(staging)
        else:
            staging.rename(libs)
    marker.touch()
    return libs


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_properties(
    directory: Path, broker_port: int, controller_port: int, listener: BrokerListener
) -> dict[str, str]:
    properties = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "listeners": f"{listener.name}://127.0.0.1:{broker_port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"{listener.name}://127.0.0.1:{broker_port}",
        "listener.security.protocol.map": f"{listener.name}:{listener.protocol},CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": listener.name,
        "controller.listener.names": "CONTROLLER",
        "log.dirs": str(directory / "data"),
        "num.partitions": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "8",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "group.initial.rebalance.delay.ms": "0",
        "auto.create.topics.enable": "true",
        "log.retention.hours": "-1",
        "log.flush.interval.messages": "9223372036854775807",
    }
    properties.update(listener.properties)
    return properties


def _write_properties(path: Path, properties: Mapping[str, str]) -> None:
    path.write_text("".join(f"{key}={value}\n" for key, value in properties.items()), encoding="utf-8")


def _log4j_properties(log_file: Path) -> str:
    return (
        "log4j.rootLogger=INFO, file\n"
        "log4j.appender.file=org.apache.log4j.FileAppender\n"
        f"log4j.appender.file.File={log_file}\n"
        "log4j.appender.file.layout=org.apache.log4j.PatternLayout\n"
        "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n"
        "log4j.logger.kafka=INFO\n"
        "log4j.logger.org.apache.kafka=WARN\n"
        "log4j.logger.kafka.log=WARN\n"
        "log4j.logger.state.change.logger=WARN\n"
        "log4j.logger.kafka.controller=WARN\n"
        "log4j.logger.kafka.coordinator=WARN\n"
    )


def _log_tail(log_file: Path, lines: int = 25) -> str:
    try:
        return "\n".join(log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no broker log was written)"


def _java_command(java: str, libs: Path, main_class: str, *args: str, heap: str, log4j: Path) -> list[str]:
    return [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:TieredStopAtLevel=1",
        "-Djava.awt.headless=true",
        f"-Dlog4j.configuration=file:{log4j}",
        "-cp",
        f"{libs}/*",
        main_class,
        *args,
    ]


def _format_storage(java: str, libs: Path, config: Path, log4j: Path, scram: tuple[str, ...]) -> None:
    extra: list[str] = []
    for credential in scram:
        extra += ["--add-scram", credential]
    command = _java_command(
        java,
        libs,
        "kafka.tools.StorageTool",
        "format",
        f"--cluster-id={_cluster_id()}",
        "-c",
        str(config),
        "--ignore-formatted",
        *extra,
        heap="256m",
        log4j=log4j,
    )
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise LocalKafkaError(
            f"formatting the broker's storage failed:\n{(result.stdout + result.stderr).strip()}"
        )


def _cluster_id() -> str:
    # KRaft cluster ids: 16 random bytes, URL-safe base64 without padding (as StorageTool random-uuid prints).
    # One id in 64 starts with "-", which a command line reads as an option; Kafka's own Uuid.randomUuid
    # draws again in that case, and so do we (the "--cluster-id=" form above guards the call as well).
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0): look at its state.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _is_our_broker(pid: int, directory: Path) -> bool:
    """True when pid is the broker we started in directory (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return _process_alive(pid)
    return "kafka.Kafka" in cmdline and str(directory) in cmdline


def _wait_until_started(
    process: subprocess.Popen[bytes], port: int, log_file: Path, timeout_s: float, log_offset: int = 0
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LocalKafkaError(
                f"the broker exited with status {process.returncode} while starting "
                f"(port {port} in use, or a bad setting); its log ends with:\n{_log_tail(log_file)}"
            )
        if _accepts_connections(port) and STARTED_MARKER in _read_from(log_file, log_offset):
            return
        time.sleep(0.2)
    _terminate(process.pid)
    raise LocalKafkaError(
        f"the broker did not come up within {timeout_s:.0f} s; its log ends with:\n{_log_tail(log_file)}"
    )


def _read_from(log_file: Path, offset: int) -> str:
    with log_file.open("rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def _accepts_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _terminate(pid: int, grace_s: float = 20.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if not _process_alive(pid):
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def start(
    directory: Path,
    *,
    timeout_s: float = 90.0,
    heap: str = "512m",
    listener: BrokerListener | None = None,
    scram_credentials: tuple[str, ...] = (),
    watch_pid: int | None = None,
) -> RunningBroker:
    """Start a broker in the background with its files in directory; return once it accepts clients.

    ``watch_pid`` ties the broker's life to another process: a small watchdog stops the broker when that
    process is gone, so an interrupted or killed test run leaves no broker behind.
    """
    directory = directory.resolve()
    existing = read_running(directory)
    if existing is not None:
        raise LocalKafkaError(
            f"a broker already runs from {directory} (pid {existing.pid}, {existing.bootstrap})"
        )
    java = find_java()
    libs = ensure_jars()
    for attempt in range(3):
        try:
            return _start_once(
                directory,
                java,
                libs,
                timeout_s=timeout_s,
                heap=heap,
                listener=listener or BrokerListener(),
                scram_credentials=scram_credentials,
                watch_pid=watch_pid,
            )
        except LocalKafkaError as error:
            # Another process can take a free port between our probe and the broker's bind: pick again.
            if "Address already in use" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _start_once(
    directory: Path,
    java: str,
    libs: Path,
    *,
    timeout_s: float,
    heap: str,
    listener: BrokerListener,
    scram_credentials: tuple[str, ...],
    watch_pid: int | None,
) -> RunningBroker:
    config_dir, data_dir, log_dir = directory / "config", directory / "data", directory / "logs"
    shutil.rmtree(data_dir, ignore_errors=True)
    for folder in (config_dir, data_dir, log_dir):
        folder.mkdir(parents=True, exist_ok=True)
    broker_port, controller_port = free_port(), free_port()
    while controller_port == broker_port:
        controller_port = free_port()
    config = config_dir / "server.properties"
    _write_properties(config, _server_properties(directory, broker_port, controller_port, listener))
    log_file = log_dir / "server.log"
    log4j = config_dir / "log4j.properties"
    log4j.write_text(_log4j_properties(log_file), encoding="utf-8")
    log_file.write_text("", encoding="utf-8")
    _format_storage(java, libs, config, log4j, scram_credentials)
    return _launch(
        directory,
        java,
        libs,
        broker_port,
        controller_port,
        timeout_s=timeout_s,
        heap=heap,
        watch_pid=watch_pid,
    )


def _launch(
    directory: Path,
    java: str,
    libs: Path,
    broker_port: int,
    controller_port: int,
    *,
    timeout_s: float,
    heap: str,
    watch_pid: int | None,
) -> RunningBroker:
    """Run the broker of directory's configuration and storage; return once it accepts clients."""
    config_dir, log_dir = directory / "config", directory / "logs"
    config, log4j = config_dir / "server.properties", config_dir / "log4j.properties"
    log_file = log_dir / "server.log"
    log_offset = log_file.stat().st_size  # a restart appends to the log: only what follows counts
    command = _java_command(java, libs, "kafka.Kafka", str(config), heap=heap, log4j=log4j)
    with (log_dir / "stdout.log").open("ab") as console:
        process = subprocess.Popen(
            command,
            stdout=console,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=directory,
        )
    (directory / "broker.pid").write_text(f"{process.pid}\n", encoding="utf-8")
    try:
        _wait_until_started(process, broker_port, log_file, timeout_s, log_offset)
    except LocalKafkaError:
        (directory / "broker.pid").unlink(missing_ok=True)
        if "Address already in use" in (log_dir / "stdout.log").read_text(errors="replace"):
            raise LocalKafkaError(
                f"Address already in use: port {broker_port} or {controller_port}"
            ) from None
        raise
    bootstrap = f"127.0.0.1:{broker_port}"
    (directory / "bootstrap").write_text(f"{bootstrap}\n", encoding="utf-8")
    if watch_pid is not None:
        _spawn_watchdog(watch_pid, process.pid, directory)
    return RunningBroker(directory=directory, bootstrap=bootstrap, pid=process.pid, log_file=log_file)


def restart(
    directory: Path,
    *,
    down_s: float = 0.0,
    kill: bool = False,
    timeout_s: float = 90.0,
    heap: str = "512m",
    watch_pid: int | None = None,
) -> RunningBroker:
    """Stop the broker started from directory and start it again, after ``down_s`` seconds, on the same
    ports and with the same data: to clients it is the same broker, gone for a while.

    ``kill`` stops it with SIGKILL, as a crash would, instead of a clean shutdown.
    """
    directory = directory.resolve()
    running = read_running(directory)
    if running is None:
        raise LocalKafkaError(f"no broker runs from {directory}")
    if kill:
        with contextlib.suppress(ProcessLookupError):
            os.kill(running.pid, signal.SIGKILL)
    _terminate(running.pid)
    (directory / "broker.pid").unlink(missing_ok=True)
    time.sleep(down_s)
    ports = _listener_ports(directory / "config" / "server.properties")
    return _launch(
        directory, find_java(), ensure_jars(), *ports, timeout_s=timeout_s, heap=heap, watch_pid=watch_pid
    )


def _listener_ports(config: Path) -> tuple[int, int]:
    """The broker and controller ports of a written configuration."""
    properties = dict(
        line.split("=", 1) for line in config.read_text(encoding="utf-8").splitlines() if "=" in line
    )
    listeners = {
        name: int(address.rsplit(":", 1)[1])
        for name, address in (item.split("://", 1) for item in properties["listeners"].split(","))
    }
    return listeners[properties["inter.broker.listener.name"]], listeners["CONTROLLER"]


def _spawn_watchdog(owner_pid: int, broker_pid: int, directory: Path) -> None:
    subprocess.Popen(
        [sys.executable, "-m", "pipeline.devtools.watchdog", str(owner_pid), str(broker_pid), str(directory)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def read_running(directory: Path) -> RunningBroker | None:
    """The broker started from directory, if it is still running."""
    directory = directory.resolve()
    pid_file, bootstrap_file = directory / "broker.pid", directory / "bootstrap"
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
    except ValueError:
        return None
    if not _process_alive(pid) or not _is_our_broker(pid, directory):
        return None
    bootstrap = bootstrap_file.read_text().strip() if bootstrap_file.exists() else ""
    return RunningBroker(
        directory=directory, bootstrap=bootstrap, pid=pid, log_file=directory / "logs" / "server.log"
    )


def stop(directory: Path, *, grace_s: float = 20.0) -> bool:
    """Stop the broker started from directory (SIGTERM, then SIGKILL after grace_s); False if none ran."""
    directory = directory.resolve()
    running = read_running(directory)
    (directory / "bootstrap").unlink(missing_ok=True)
    if running is None:
        (directory / "broker.pid").unlink(missing_ok=True)
        return False
    _terminate(running.pid, grace_s)
    (directory / "broker.pid").unlink(missing_ok=True)
    return True


@contextlib.contextmanager
def running_broker(directory: Path, **options: object) -> Iterator[RunningBroker]:
    """Start a broker for the duration of a with-block, and always stop it."""
    broker = start(directory, **options)  # type: ignore[arg-type]
    try:
        yield broker
    finally:
        stop(directory)
