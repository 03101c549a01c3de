"""What each simulated Odoo series offers on the wire."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SUPPORTED_SERIES = ("14.0", "15.0", "16.0", "17.0", "18.0", "19.0")


@dataclass(frozen=True)
class SeriesFeatures:
    serie: str
    major: int

    @property
    def has_health(self) -> bool:
        return self.major >= 15

    @property
    def health_checks_database(self) -> bool:
        # The db_server_status parameter of /web/health arrived after the route itself.
        return self.major >= 17

    @property
    def has_json2(self) -> bool:
        return self.major >= 19

    @property
    def cron_failure_count(self) -> bool:
        return self.major >= 18

    def private_method_error(self, model: str, method: str) -> str:
        # 18.0 as released (Nov. 2024) still used models.check_method_name; 17.0 and later 18.0 updates
        # name the model too (service.model.get_public_method). Both as read on real servers.
        if self.major == 18:
            return f"Private methods (such as {method}) cannot be called remotely."
        return f"Private methods (such as '{model}.{method}') cannot be called remotely."

    @property
    def cron_numbercall(self) -> bool:
        # numbercall and doall left ir.cron in 18, when failure_count came.
        return self.major <= 17

    def version_info(self) -> dict[str, Any]:
        """What common.version() and /web/webclient/version_info answer."""
        return {
            "server_version": self.serie,
            "server_version_info": [self.major, 0, 0, "final", 0, ""],
            "server_serie": self.serie,
            "protocol_version": 1,
        }


def features_for(serie: str) -> SeriesFeatures:
    """The features of a supported series, or ValueError naming the accepted ones."""
    if serie not in SUPPORTED_SERIES:
        raise ValueError(f"unsupported Odoo version {serie!r}: use one of {', '.join(SUPPORTED_SERIES)}")
    return SeriesFeatures(serie=serie, major=int(serie.split(".")[0]))
