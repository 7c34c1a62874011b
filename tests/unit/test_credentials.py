"""Messenger channels are enabled only with their secrets set, and no secret is written."""

import yaml

from scripts import credentials


def test_without_variables_only_web_channels() -> None:
    creds, enabled = credentials.compose({})
    assert enabled == [] and "channels.rest.RestInput" in creds
    assert not any("telegram" in key or "facebook" in key for key in creds)


def test_telegram_enabled_with_placeholders_not_secrets(tmp_path, monkeypatch) -> None:
    env = {"TELEGRAM_TOKEN": "123:geheim", "TELEGRAM_BOT_NAME": "hessenbot", "TELEGRAM_WEBHOOK_URL": "https://x/y"}
    monkeypatch.setattr(credentials.os, "environ", env)
    out = tmp_path / "c.yml"
    credentials.main(str(out))
    text = out.read_text()
    assert "access_token: ${TELEGRAM_TOKEN}" in text and "geheim" not in text and "facebook" not in text
    telegram = yaml.safe_load(text)["channels.telegram.TelegramChannel"]
    assert telegram["verify"] == "${TELEGRAM_BOT_NAME}" and "api_url" not in telegram


def test_optional_api_address_only_when_set() -> None:
    env = {"TELEGRAM_TOKEN": "1:t", "TELEGRAM_BOT_NAME": "b", "TELEGRAM_WEBHOOK_URL": "https://x/y",
           "TELEGRAM_API_URL": "http://127.0.0.1:8081"}
    creds, _ = credentials.compose(env)
    assert creds["channels.telegram.TelegramChannel"]["api_url"] == "${TELEGRAM_API_URL}"


def test_facebook_needs_all_three_variables() -> None:
    _, enabled = credentials.compose({"FACEBOOK_VERIFY": "v", "FACEBOOK_SECRET": "s"})
    assert enabled == []
    _, enabled = credentials.compose({"FACEBOOK_VERIFY": "v", "FACEBOOK_SECRET": "s", "FACEBOOK_PAGE_ACCESS_TOKEN": "t"})
    assert enabled == ["facebook"]
