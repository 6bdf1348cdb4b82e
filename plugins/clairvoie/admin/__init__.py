"""The online editor (/admin/): Decap CMS, configured from the records' JSON Schemas."""

from .config import admin_config, config_of_site, config_yaml, preview_names

__all__ = ["admin_config", "config_of_site", "config_yaml", "preview_names"]
