"""LocalStack: start the configured components, expose their addresses, stop them all."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

import requests

from infra.local_stack import components, prerequisites
from infra.local_stack.app_server import site_document
from infra.local_stack.components import (
    APP_COMPONENT,
    AuthEmulatorPorts,
    Launch,
    NotificationTopic,
)
from infra.local_stack.config import (
    AUTH_EMULATOR_HOST_ENV,
    FunctionSpec,
    Service,
    StackConfig,
    WebApp,
)
from infra.local_stack.errors import ComponentError, StackError
from infra.local_stack.firebase_tools import ensure_firebase_tools
from infra.local_stack.paths import REPO_ROOT, RUN_DIR
from infra.local_stack.ports import LOOPBACK, free_ports
from infra.local_stack.process import ManagedProcess, spawn, stop_all
from infra.local_stack.pubsub_admin import create_event_subscription
from infra.local_stack.readiness import Probe, poll_until_ready
from infra.local_stack.shutdown_signals import exit_on_termination_signals
from infra.local_stack.tasks_venv import ensure_tasks_emulator_venv
from infra.web_hosting import HostingSettings, is_built

# The ports the Firebase CLI opens beside the Auth emulator's (see AuthEmulatorPorts).
_AUTH_HUB, _AUTH_LOGGING = "auth-hub", "auth-logging"


class LocalStack:
    """`with LocalStack(config) as stack:` runs the emulators and functions of `config`.

    Everything started is stopped on exit, also on an exception, Ctrl-C, SIGTERM
    or SIGHUP (when entered on the main thread).
    """

    def __init__(self, config: StackConfig | None = None) -> None:
        self.config = config or StackConfig()
        self.startup_seconds: dict[str, float] = {}
        self._ports: dict[str, int] = {}
        self._processes: list[ManagedProcess] = []
        self._pending: dict[str, tuple[ManagedProcess, Probe]] = {}
        self._exit_stack = ExitStack()

    def __enter__(self) -> LocalStack:
        with ExitStack() as on_failure:
            on_failure.enter_context(exit_on_termination_signals())
            RUN_DIR.mkdir(parents=True, exist_ok=True)
            run_dir = on_failure.enter_context(tempfile.TemporaryDirectory(dir=RUN_DIR))
            on_failure.callback(self._stop)  # runs before the run dir is removed
            self._start(run_dir)
            self._exit_stack = on_failure.pop_all()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._exit_stack.close()

    # Addresses -----------------------------------------------------------------

    @property
    def firestore_host(self) -> str:
        return self._address(Service.FIRESTORE)

    @property
    def pubsub_host(self) -> str:
        return self._address(Service.PUBSUB)

    @property
    def storage_url(self) -> str:
        return f"http://{self._address(Service.STORAGE)}"

    @property
    def tasks_host(self) -> str:
        return self._address(Service.TASKS)

    @property
    def clamd_address(self) -> str:
        return self._address(Service.CLAMAV)

    @property
    def auth_host(self) -> str:
        """The Firebase Auth emulator's host:port (its REST API is under http://)."""
        return self._address(Service.AUTH)

    @property
    def app_url(self) -> str:
        """The web app's origin (http://127.0.0.1:PORT), when the stack serves it."""
        if APP_COMPONENT not in self._ports:
            raise StackError("this stack serves no web app (StackConfig.web_app is None)")
        return f"http://{LOOPBACK}:{self._ports[APP_COMPONENT]}"

    @property
    def function_urls(self) -> dict[str, str]:
        ports = {
            spec.name: self._ports.get(components.function_component_name(spec.name))
            for spec in self.config.functions
        }
        return {name: f"http://{LOOPBACK}:{port}" for name, port in ports.items() if port}

    @property
    def pids(self) -> dict[str, int]:
        """Process (and process group) id of each started component, by log name."""
        return {process.name: process.pid for process in self._processes}

    def env(self) -> dict[str, str]:
        """The variables a client or function needs to reach this stack."""
        if not self._ports:
            raise StackError("the stack is not started")
        project = self.config.project
        env = {"GOOGLE_CLOUD_PROJECT": project, "GCLOUD_PROJECT": project}
        services = self.config.services
        if Service.FIRESTORE in services:
            env["FIRESTORE_EMULATOR_HOST"] = self.firestore_host
        if Service.PUBSUB in services:
            env["PUBSUB_EMULATOR_HOST"] = self.pubsub_host
        if Service.STORAGE in services:
            env["STORAGE_EMULATOR_HOST"] = self.storage_url  # the scheme is required
        if Service.TASKS in services:
            env["CLOUD_TASKS_EMULATOR_HOST"] = self.tasks_host
        if Service.CLAMAV in services:
            env["FNT_CLAMD_ADDRESS"] = self.clamd_address
        if Service.AUTH in services:
            env[AUTH_EMULATOR_HOST_ENV] = self.auth_host
        for name, url in self.function_urls.items():
            env[f"FUNCTION_URL_{name.upper().replace('-', '_')}"] = url
        return env

    def queue_path(self, queue: str) -> str:
        return self.config.queue_path(queue)

    # Helpers -------------------------------------------------------------------

    def reset_firestore(self) -> None:
        """Delete every document of the project (the emulator's reset endpoint)."""
        url = (
            f"http://{self.firestore_host}/emulator/v1/projects/{self.config.project}"
            "/databases/(default)/documents"
        )
        requests.delete(url, timeout=10).raise_for_status()

    def create_bucket(self, name: str, versioned: bool = False) -> None:
        """Create bucket `name` on fake-gcs-server; an existing one is kept.

        A versioned bucket keeps overwritten generations readable, as on GCS.
        """
        response = requests.post(
            f"{self.storage_url}/storage/v1/b",
            params={"project": self.config.project},
            json={"name": name, "versioning": {"enabled": versioned}},
            timeout=10,
        )
        if response.status_code != 409:  # 409: it already exists
            response.raise_for_status()

    def check_alive(self) -> None:
        """Raise ComponentError, quoting its log, if any component has exited."""
        for process in self._processes:
            code = process.exit_code()
            if code is not None:
                raise ComponentError(process.failure_report(f"exited with code {code}"))

    # Start and stop ------------------------------------------------------------

    def _start(self, run_dir: str) -> None:
        """Launch everything at once, except what needs the Pub/Sub emulator up."""
        config = self.config
        tools = prerequisites.check(config.services, need_functions=bool(config.functions))
        if config.web_app is not None:
            _check_built(config.web_app)
        # Before any launch: the first run builds this venv (~10 s of pip), which
        # would otherwise compete with the emulators' boot for this machine's CPUs.
        tasks_python = ensure_tasks_emulator_venv() if Service.TASKS in config.services else None
        # Likewise the Firebase CLI (~20 s of npm the first time).
        firebase_cli = ensure_firebase_tools(tools.npm) if tools.npm is not None else None
        function_keys = [components.function_component_name(f.name) for f in config.functions]
        auth_keys = [_AUTH_HUB, _AUTH_LOGGING] if Service.AUTH in config.services else []
        app_keys = [APP_COMPONENT] if config.web_app is not None else []
        keys = [*sorted(config.services), *auth_keys, *function_keys, *app_keys]
        self._ports = dict(zip(keys, free_ports(len(keys)), strict=True))
        # Java emulators first: they are the slowest to boot, the rest overlaps them.
        if (gcloud := tools.gcloud) is not None:
            if Service.FIRESTORE in config.services:
                self._launch(components.firestore_emulator(gcloud, self._ports[Service.FIRESTORE]))
            if Service.PUBSUB in config.services:
                self._launch(
                    components.pubsub_emulator(gcloud, self._ports[Service.PUBSUB], run_dir)
                )
        if tools.node is not None and firebase_cli is not None:
            self._launch(
                components.auth_emulator(
                    tools.node,
                    firebase_cli,
                    AuthEmulatorPorts(
                        self._ports[Service.AUTH],
                        self._ports[_AUTH_HUB],
                        self._ports[_AUTH_LOGGING],
                    ),
                    config.project,
                    run_dir,
                )
            )
        function_env = self.env()
        for spec in config.functions:
            port = self._ports[components.function_component_name(spec.name)]
            self._launch(components.function(self._with_app_origin(spec), port, function_env))
        if config.web_app is not None:
            self._launch_app(config.web_app, Path(run_dir))
        if tasks_python is not None:
            self._launch(
                components.tasks_emulator(
                    tasks_python,
                    self._ports[Service.TASKS],
                    [config.queue_path(queue) for queue in config.task_queues],
                    config.task_max_retries,
                    {
                        config.queue_path(queue): count
                        for queue, count in config.task_max_concurrent_dispatches.items()
                    },
                )
            )
        if tools.clamd is not None:
            self._launch(
                components.clamd(
                    tools.clamd, self._ports[Service.CLAMAV], config.clamav_signatures, run_dir
                )
            )
        if tools.fake_gcs_server is not None:
            self._launch(
                components.fake_gcs_server(
                    tools.fake_gcs_server, self._ports[Service.STORAGE], self._notifications()
                )
            )
        if config.storage_event_target is not None:
            target = self.function_urls[config.storage_event_target]
            self._launch(
                components.event_bridge(
                    config.storage_events_subscription_path, target, self.pubsub_host
                )
            )
        self._await(*self._pending)
        for bucket in config.buckets:
            self.create_bucket(bucket, versioned=bucket in config.versioned_buckets)

    def _with_app_origin(self, spec: FunctionSpec) -> FunctionSpec:
        """The API function allows exactly the app's origin in CORS; others unchanged."""
        app = self.config.web_app
        if app is None or spec.name != app.api_function:
            return spec
        return dataclasses.replace(spec, env={**spec.env, app.cors_origins_env: self.app_url})

    def _launch_app(self, app: WebApp, run_dir: Path) -> None:
        """The app server, with a config.json and CSP naming this stack's addresses."""
        api_url = self.function_urls[app.api_function] + app.api_path
        settings = HostingSettings(
            api_url=api_url,
            project_id=self.config.project,
            api_key=app.api_key,
            auth_domain=f"{self.config.project}.firebaseapp.com",
            storage_origins=(self.storage_url,),
            auth_emulator_url=f"http://{self.auth_host}",
        )
        site_file = run_dir / "app-site.json"
        site_file.write_text(json.dumps(site_document(settings), indent=2), encoding="utf-8")
        self._launch(components.app_server(app.dist, self._ports[APP_COMPONENT], site_file))

    def _notifications(self) -> NotificationTopic | None:
        """Create the notification topic and the bridge's subscription, if Pub/Sub runs.

        fake-gcs-server needs the topic to exist when it starts, so this waits for
        the Pub/Sub emulator first.
        """
        config = self.config
        if Service.PUBSUB not in config.services:
            return None
        self._await(Service.PUBSUB)
        create_event_subscription(
            self.pubsub_host,
            topic=config.storage_events_topic_path,
            subscription=config.storage_events_subscription_path,
            retry_seconds=(config.event_retry_min_seconds, config.event_retry_max_seconds),
        )
        return NotificationTopic(self.pubsub_host, config.project, config.storage_events_topic)

    def _launch(self, launch: Launch) -> None:
        process = spawn(
            launch.name,
            launch.argv,
            env={**os.environ, **launch.env},
            log_dir=self.config.log_dir,
            cwd=launch.cwd or REPO_ROOT,
        )
        self._processes.append(process)
        self._pending[launch.name] = (process, launch.probe)

    def _await(self, *names: str) -> None:
        self.startup_seconds |= poll_until_ready(
            self._pending, names, self.config.startup_timeout_seconds
        )

    def _stop(self) -> None:
        stop_all(reversed(self._processes), self.config.stop_grace_seconds)

    def _address(self, service: Service) -> str:
        if service not in self._ports:
            raise StackError(f"{service} is not part of this stack (or it is not started)")
        return f"{LOOPBACK}:{self._ports[service]}"


def _check_built(app: WebApp) -> None:
    if not is_built(app.dist):
        raise StackError(
            f"the web app is not built ({app.dist}/index.html is missing): run `make web`"
        )
