"""The compose stack is wired the way docs/operations.md says several hosts run (no image can be pulled here, so
the file itself is read): two web replicas behind one proxy that appends X-Forwarded-For, one trusted hop, MinIO
with its bucket made before the platform starts, the same S3 settings on every web and worker container, exactly
one beat, and the health endpoint as the health check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat", "migrate")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merge keys (<<) resolved
    return compose["services"]


def _replicas(service: dict[str, Any]) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def test_two_web_replicas_behind_one_proxy(services):
    assert _replicas(services["web"]) >= 2
    assert "ports" not in services["web"]  # reached only through the proxy
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx")
    assert _replicas(proxy) == 1
    assert proxy["ports"] == ["8000:80"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["proxy"]


def test_the_proxy_appends_the_address_and_the_web_trusts_one_hop(services):
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert re.search(r"server web:8000\b", conf)
    assert services["web"]["environment"]["TRUSTED_PROXY_HOPS"] == "1"
    for name in ("worker", "beat"):
        assert "TRUSTED_PROXY_HOPS" not in services[name]["environment"]


def test_health_checks_ask_the_health_endpoint(services):
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/healthz" in " ".join(services["proxy"]["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_every_web_and_worker_container_uses_the_same_bucket(services):
    s3 = {
        name: {key: value for key, value in services[name]["environment"].items() if "S3_" in key}
        for name in APP_SERVICES
    }
    assert s3["web"]["S3_BUCKET"] == "icr-media"
    assert s3["web"]["S3_ENDPOINT_URL"] == "http://minio:9000"
    assert s3["web"]["S3_ADDRESSING_STYLE"] == "path"
    assert {"S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"} <= set(s3["web"])
    assert all(settings == s3["web"] for settings in s3.values()), s3
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"] == services["web"]["environment"]["DATABASE_URL"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert "MEDIA_ROOT" not in environment  # no file lives on a container
        assert not any("media" in str(volume) for volume in services[name].get("volumes", []))


def test_minio_and_its_bucket_come_first(services):
    assert services["minio"]["image"].startswith("minio/minio")
    init = services["minio-init"]
    assert init["image"].startswith("minio/mc")
    script = " ".join(init["command"])
    assert "mc mb --ignore-existing icr/icr-media" in script
    assert "mc anonymous set none icr/icr-media" in script  # private
    # the audit checkpoints: a bucket of their own, versioned (a deleted checkpoint can be recovered)
    assert "mc mb --ignore-existing icr/icr-audit-checkpoints" in script
    assert "mc version enable icr/icr-audit-checkpoints" in script
    assert services["web"]["environment"]["AUDIT_CHECKPOINT_S3_BUCKET"] == "icr-audit-checkpoints"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["minio-init"] == {"condition": "service_completed_successfully"}
        assert depends["migrate"] == {"condition": "service_completed_successfully"}


def test_exactly_one_beat_and_workers_on_every_queue(services):
    beats = [
        name
        for name, service in services.items()
        if "celery" in str(service.get("command", "")) and " beat" in str(service.get("command"))
    ]
    assert beats == ["beat"]
    assert _replicas(services["beat"]) == 1
    assert _replicas(services["worker"]) >= 2
    assert "-Q default,pdf,email" in services["worker"]["command"]


def test_the_backup_service_runs_the_backup_script_on_demand(services):
    backup = services["backup"]
    assert backup["profiles"] == ["backup"]  # not started by `docker compose up`
    assert backup["command"].startswith("scripts/backup.sh")
    assert backup["environment"] == services["worker"]["environment"]
