"""Settings: defaults, overrides from the environment, and refusals that name the setting."""
from __future__ import annotations

from pathlib import Path

import pytest

from docflow.config import REPO_ROOT, ConfigError, ensure_secret_key, load_settings


def test_defaults_keep_all_state_under_var_in_the_checkout():
    settings = load_settings(environ={})
    assert settings.instance_path == REPO_ROOT / "var"
    assert settings.database_url == f"sqlite:///{REPO_ROOT / 'var' / 'docflow.sqlite3'}"
    assert settings.storage_options["path"] == str(REPO_ROOT / "var" / "objects")
    assert settings.index_path == REPO_ROOT / "var" / "index"
    assert settings.max_upload_bytes == 100 * 1024 * 1024


def test_environment_overrides_one_setting_with_its_type():
    settings = load_settings(environ={"DOCFLOW_UPLOADS__MAX_SIZE_MB": "5", "DOCFLOW_STORAGE__SECURE": "false",
                                      "DOCFLOW_WORKER__BATCH_SIZE": "7"})
    assert settings.uploads.max_size_mb == 5
    assert settings.storage.secure is False
    assert settings.worker.batch_size == 7


def test_docflow_config_points_to_another_file(tmp_path: Path):
    other = tmp_path / "other.toml"
    other.write_text('[server]\ninstance_dir = "state"\n[index]\npath = "/srv/index"\n')
    settings = load_settings(environ={"DOCFLOW_CONFIG": str(other)})
    assert settings.instance_path == tmp_path / "state"
    assert settings.index_path == Path("/srv/index")


@pytest.mark.parametrize(("environ", "named"), [
    ({"DOCFLOW_SERVER__NO_SUCH_KEY": "1"}, "server.no_such_key"),
    ({"DOCFLOW_NOSECTION__KEY": "1"}, "[nosection]"),
    ({"DOCFLOW_WORKER__BATCH_SIZE": "many"}, "worker.batch_size"),
    ({"DOCFLOW_WORKER__BATCH_SIZE": "0"}, "worker.batch_size"),
    ({"DOCFLOW_STORAGE__BACKEND": "ftp"}, "storage.backend"),
    ({"DOCFLOW_STORAGE__BACKEND": "minio"}, "storage.endpoint"),
    ({"DOCFLOW_STORAGE__SECURE": "perhaps"}, "storage.secure"),
    ({"DOCFLOW_DATABASE__URL": "mysql://x"}, "database.url"),
    ({"DOCFLOW_UPLOADS__ALLOWED_TYPES": "application/pdf,text/html"}, "uploads.allowed_types"),
    ({"DOCFLOW_INDEX__POSTING_CACHE_MB": "-1"}, "index.posting_cache_mb"),
])
def test_bad_settings_stop_with_a_message_naming_them(environ, named):
    with pytest.raises(ConfigError, match=named.replace("[", r"\[").replace("]", r"\]")):
        load_settings(environ=environ)


def test_the_posting_cache_setting_reaches_the_index(tmp_path: Path):
    """index.posting_cache_mb bounds the index's cache of decoded postings; 0 turns it off."""
    from docflow.services import Services

    for megabytes, postings in (("16", 1_600_000), ("0", None)):
        settings = load_settings(environ={"DOCFLOW_SERVER__INSTANCE_DIR": str(tmp_path / megabytes),
                                          "DOCFLOW_INDEX__POSTING_CACHE_MB": megabytes})
        services = Services.from_settings(settings)
        try:
            cache = services.index._posting_cache
            assert (cache.max_postings if cache is not None else None) == postings
        finally:
            services.close()


def test_unknown_key_in_the_file_is_refused(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text("[uploads]\nmax_size = 5\n")
    with pytest.raises(ConfigError, match="uploads.max_size"):
        load_settings(path)


def test_broken_toml_is_reported_with_the_file(tmp_path: Path):
    path = tmp_path / "c.toml"
    path.write_text("[uploads\n")
    with pytest.raises(ConfigError, match="c.toml"):
        load_settings(path)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path):
    settings = load_settings(overrides={"server": {"instance_dir": str(tmp_path)}}, environ={})
    first = ensure_secret_key(settings)
    assert len(first) >= 40
    assert ensure_secret_key(settings) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
