"""Health, readiness and Prometheus metrics for `paperbot run` (docs/monitoring.md)."""
from __future__ import annotations

from paperbot.monitoring.prometheus import PrometheusMetrics
from paperbot.monitoring.readiness import Connection, Readiness, ReadinessReport
from paperbot.monitoring.server import Monitoring, MonitoringServer, start_monitoring

__all__ = ["Connection", "Monitoring", "MonitoringServer", "PrometheusMetrics", "Readiness", "ReadinessReport",
           "start_monitoring"]
