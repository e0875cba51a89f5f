"""The fault suite's machinery: a private PostgreSQL cluster and a private Redis, started once per session, and
real platform processes (Celery worker and beat, gunicorn) pointed at them, which the tests kill, freeze and
restart. The machine's shared PostgreSQL (5432) and Redis (6379) are never touched.

The private cluster's template database is a copy of the pytest database (pg_dump | pg_restore: well under a
second, where `migrate` on an empty database takes ~15 s); each test gets a fresh database made from it
(`CREATE DATABASE … TEMPLATE`) and an empty Redis. PostgreSQL refuses to run as root, so its commands run as
the `postgres` OS user (runuser) when the suite runs as root.

Each test reports its figures (`record_figures`): printed (`-s` shows them) and gathered in
`var/faults-figures.json`.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("ICR_FAULTS_PG_BIN", "/usr/lib/postgresql/15/bin"))
FIGURES_FILE = ROOT / "var" / "faults-figures.json"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "faults: kills, freezes and restarts real processes (private PostgreSQL, Redis, workers)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], Any], *, timeout: float, interval: float = 0.1, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")
        time.sleep(interval)


# --- private servers ----------------------------------------------------------------------------------------


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("runuser is missing: PostgreSQL cannot be run as root")
        return [runuser, "-u", "postgres", "--", *argv]
    return argv


class PrivatePostgres:
    """A throw-away cluster on a free port, trusting local connections, tuned for speed (no fsync)."""

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="icr-faults-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.data = self.directory / "data"
        self.port = free_port()
        self.counter = 0
        self._run(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]
        )

    def _run(self, argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(_as_postgres(argv), check=True, capture_output=True, timeout=60, **kwargs)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.directory / "log"),
             "-w", "start"]
        )  # fmt: skip

    def stop(self) -> None:
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def psql(self, sql: str, database: str = "postgres") -> str:
        argv = [
            str(PG_BIN / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
        ]
        done = subprocess.run([*argv, "-Atc", sql], check=True, capture_output=True, timeout=60)
        return done.stdout.decode().strip()

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def load_template(self, source: dict[str, Any]) -> None:
        """The pytest database (schema and the migrations' data) copied into `template`."""
        env = {**os.environ, "PGPASSWORD": str(source.get("PASSWORD") or "")}
        dump = subprocess.run(
            [str(PG_BIN / "pg_dump"), "-h", str(source.get("HOST") or "127.0.0.1"),
             "-p", str(source.get("PORT") or 5432), "-U", str(source.get("USER") or "postgres"),
             "-Fc", "--no-owner", "--no-privileges", str(source["NAME"])],
            check=True, capture_output=True, timeout=120, env=env,
        )  # fmt: skip
        self.psql("CREATE DATABASE template")
        subprocess.run(
            [str(PG_BIN / "pg_restore"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "--no-owner", "--no-privileges", "-d", "template"],
            input=dump.stdout, check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def new_database(self) -> str:
        self.counter += 1
        name = f"faults_{self.counter}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE template")
        return name

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A redis-server child on a free port, without persistence; killed, frozen and restarted on demand."""

    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not on PATH")
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 (the child writes to it)
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.directory,
        )  # fmt: skip
        wait_until(self.ping, timeout=10, interval=0.05, what="redis-server to answer")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def command(self, *words: str) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as sock:
            parts = [f"*{len(words)}\r\n".encode()]
            for word in words:
                parts.append(f"${len(word.encode())}\r\n{word}\r\n".encode())
            sock.sendall(b"".join(parts))
            return sock.recv(4096)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def close(self) -> None:
        self.kill()


@pytest.fixture(scope="session")
def private_servers(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[tuple[PrivatePostgres, PrivateRedis]]:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the fault suite needs PostgreSQL (DATABASE_URL)")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL's server binaries are not in {PG_BIN} (ICR_FAULTS_PG_BIN)")
    postgres = PrivatePostgres()
    redis = PrivateRedis(postgres.directory)
    try:
        postgres.start()
        with django_db_blocker.unblock():
            postgres.load_template(connection.settings_dict)
        redis.start()
        yield postgres, redis
    finally:
        redis.close()
        postgres.close()


# --- platform processes -------------------------------------------------------------------------------------


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def children(self) -> list[int]:
        """The pids of the process's children (a prefork worker's pool)."""
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def stop(self, timeout: float = 10) -> None:
        if self.popen.poll() is None:
            self.signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.signal_group(signal.SIGKILL)
                self.popen.wait(timeout=10)
        self.signal_group(signal.SIGKILL)  # what the leader left behind in its group

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class Platform:
    """One test's platform: a fresh private database, an empty Redis, and the processes started on them."""

    postgres: PrivatePostgres
    redis: PrivateRedis
    directory: Path
    database: str
    processes: list[Proc] = field(default_factory=list)
    agent_process: subprocess.Popen[bytes] | None = None

    @property
    def media(self) -> Path:
        return self.directory / "media"

    @property
    def mail(self) -> Path:
        return self.directory / "mail"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST_", "DJANGO_", "CELERY_", "DATABASE_", "REDIS_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="icr.settings",
            PYTHONPATH=str(ROOT),
            ICR_TESTING="1",
            DATABASE_URL=self.postgres.url(self.database),
            REDIS_URL=self.redis.url(0),
            CELERY_TASK_ALWAYS_EAGER="0",
            MEDIA_ROOT=str(self.media),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail),
            LOG_LEVEL="WARNING",
        )
        env.update(extra)
        return env

    def start_agent(self) -> None:
        """Starts tests/faults/agent.py serving commands (Django set up once); agent() waits for it."""
        if self.agent_process is None:
            self.agent_process = subprocess.Popen(
                [sys.executable, "-m", "tests.faults.agent", "serve"], cwd=ROOT, env=self.env(),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.directory / "agent.log", "ab"),  # noqa: SIM115
            )  # fmt: skip

    def agent(self, command: str, **args: Any) -> Any:
        """Runs one command of tests/faults/agent.py against the private servers; its JSON answer."""
        self.start_agent()
        assert self.agent_process is not None and self.agent_process.stdin and self.agent_process.stdout
        self.agent_process.stdin.write(f"{command} {json.dumps(args)}\n".encode())
        self.agent_process.stdin.flush()
        line = self.agent_process.stdout.readline()
        if not line:
            raise AssertionError(f"the agent died:\n{(self.directory / 'agent.log').read_text()[-4000:]}")
        answer = json.loads(line)
        if isinstance(answer, dict) and "error" in answer:
            raise AssertionError(f"agent {command} failed:\n{answer['error']}")
        return answer

    def spawn(self, name: str, argv: list[str], **extra_env: str) -> Proc:
        log = self.directory / f"{name}.log"
        popen = subprocess.Popen(
            argv, cwd=ROOT, env=self.env(**extra_env), stdout=open(log, "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        proc = Proc(name=name, popen=popen, log=log)
        self.processes.append(proc)
        return proc

    def worker(
        self, name: str, queues: str, concurrency: int = 1, wait: bool = True, **extra_env: str
    ) -> Proc:
        """A Celery worker (prefork) on `queues`; with wait=False, call ready(proc) before relying on it."""
        proc = self.spawn(
            name,
            [str(VENV_BIN / "celery"), "-A", "icr", "worker", "-Q", queues, "-c", str(concurrency),
             "-n", f"{name}@faults", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "-l", "INFO"],
            **extra_env,
        )  # fmt: skip
        if wait:
            self.ready(proc)
        return proc

    def ready(self, proc: Proc) -> Proc:
        wait_until(
            lambda: "ready." in proc.tail(200) or proc.popen.poll() is not None,
            timeout=90,
            interval=0.1,
            what=f"{proc.name} to be ready",
        )
        assert proc.popen.poll() is None, proc.tail()
        return proc

    def beat(self, name: str, **extra_env: str) -> Proc:
        return self.spawn(
            name,
            [str(VENV_BIN / "celery"), "-A", "icr", "beat", "-l", "INFO",
             "-s", str(self.directory / f"{name}-schedule"), "--pidfile", str(self.directory / f"{name}.pid")],
            **extra_env,
        )  # fmt: skip

    def web(self, **extra_env: str) -> str:
        """gunicorn serving the platform (one process, four threads); its base URL once it answers."""
        port = free_port()
        # ICR_FAULTS_WEB_SETTINGS names another settings module for the web process (with PYTHONPATH
        # ICR_FAULTS_WEB_PATH): how the suite was seen failing against the platform without its fixes
        if os.environ.get("ICR_FAULTS_WEB_SETTINGS"):
            extra_env.setdefault("DJANGO_SETTINGS_MODULE", os.environ["ICR_FAULTS_WEB_SETTINGS"])
            extra_env.setdefault("PYTHONPATH", f"{os.environ.get('ICR_FAULTS_WEB_PATH', '')}:{ROOT}")
        proc = self.spawn(
            "web",
            [str(VENV_BIN / "gunicorn"), "icr.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--worker-class", "gthread", "--threads", "4", "--timeout", "30", "--graceful-timeout", "2"],
            **extra_env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            assert proc.popen.poll() is None, proc.tail()
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as response:  # noqa: S310 (loopback)
                    return bool(response.status == 200)
            except (urllib.error.URLError, OSError):
                return False

        wait_until(answers, timeout=60, interval=0.2, what="gunicorn to answer")
        return base

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        """A read of the private database without Django (psycopg2, one short connection)."""
        import psycopg2

        connection = psycopg2.connect(
            host="127.0.0.1",
            port=self.postgres.port,
            dbname=self.database,
            user="postgres",
            connect_timeout=3,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return list(cursor.fetchall())
        finally:
            connection.close()

    def close(self) -> None:
        """Everything this test started is killed outright: the database and Redis are thrown away too."""
        if self.agent_process is not None:
            self.agent_process.kill()
            self.agent_process.wait(timeout=10)
        for proc in reversed(self.processes):
            proc.signal_group(signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=10)

    def logs(self, lines: int = 60) -> str:
        return "\n".join(f"--- {proc.name}\n{proc.tail(lines)}" for proc in self.processes)


@pytest.fixture
def platform(
    private_servers: tuple[PrivatePostgres, PrivateRedis], request: pytest.FixtureRequest
) -> Iterator[Platform]:
    postgres, redis = private_servers
    if redis.process is None or not redis.ping():
        redis.kill()
        redis.start()
    redis.command("FLUSHALL")
    directory = Path(tempfile.mkdtemp(prefix="icr-faults-"))
    (directory / "media").mkdir()
    (directory / "mail").mkdir()
    running = Platform(postgres=postgres, redis=redis, directory=directory, database=postgres.new_database())
    try:
        yield running
    finally:
        running.close()
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            print(running.logs(400))
        shutil.rmtree(directory, ignore_errors=True)
        with contextlib.suppress(Exception):
            postgres.psql(f"DROP DATABASE IF EXISTS {running.database} WITH (FORCE)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


# --- figures ------------------------------------------------------------------------------------------------


@pytest.fixture
def record_figures(request: pytest.FixtureRequest) -> Callable[..., None]:
    """record_figures(fault, **figures): prints them and keeps them in var/faults-figures.json."""

    def record(fault: str, **figures: Any) -> None:
        words = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in figures.items())
        print(f"\nfaults: {fault}: {words}")
        FIGURES_FILE.parent.mkdir(exist_ok=True)
        try:
            known = json.loads(FIGURES_FILE.read_text())
        except (OSError, ValueError):
            known = {}
        known[fault] = {**figures, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        FIGURES_FILE.write_text(json.dumps(known, indent=2, sort_keys=True) + "\n")

    return record
