"""The web app in Terraform: its Firebase Hosting site, sign-in (Identity Platform, email
link and Google), and the app's origins in every CORS list."""

from __future__ import annotations

import re

import pytest

from tests.terraform.hcl_config import (
    Config,
    block,
    load,
    merged_env,
    parse,
    reference,
)


@pytest.fixture(scope="module")
def config() -> Config:
    return load()


def test_the_app_is_served_by_its_own_firebase_hosting_site(config: Config) -> None:
    site = config.resource("google_firebase_hosting_site", "app")
    assert site["site_id"] == "${local.hosting_site_id}"
    assert reference(site["app_id"]) == "google_firebase_web_app.app.app_id"
    web_config = config.data["google_firebase_web_app_config"]["app"]
    assert reference(web_config["web_app_id"]) == "google_firebase_web_app.app.app_id"
    # Its own site by default, prefixed, so a second deployment in the project (or the
    # project's default site, named after the project alone) is left alone.
    assert config.local("hosting_site_id") == (
        '${var.hosting_site_id != "" ? var.hosting_site_id : '
        '"${var.project_id}-${var.name_prefix}"}'
    )
    assert config.variable_default("hosting_site_id") == ""
    for resource_type in ("google_firebase_web_app", "google_firebase_hosting_site"):
        for name, body in config.of_type(resource_type).items():
            assert "${google_firebase_project.main}" in body["depends_on"], name
    assert "${var.name_prefix}" in config.resource("google_firebase_web_app", "app")["display_name"]
    enabled = set(re.findall(r'"([a-z]+\.googleapis\.com)"', config.local("apis")))
    assert {
        "firebase.googleapis.com",
        "firebasehosting.googleapis.com",
        "identitytoolkit.googleapis.com",
    } <= enabled


def test_firebase_and_identity_resources_bill_their_calls_to_the_project(
    config: Config,
) -> None:
    # The Firebase and Identity Toolkit APIs refuse user credentials without a quota
    # project; google-beta sends the project as one (and holds the beta-only resources).
    for resource_type, named in [*config.resources.items(), *config.data.items()]:
        if resource_type.startswith(("google_firebase_", "google_identity_platform_")):
            for name, body in named.items():
                assert body.get("provider") == "google-beta", f"{resource_type}.{name}"
    (beta,) = [
        provider["google-beta"]
        for provider in parse(config.texts["versions.tf"])["provider"]
        if "google-beta" in provider
    ]
    assert beta["user_project_override"] is True
    assert beta["billing_project"] == "${var.project_id}"


def test_the_apps_origins_always_include_the_hosting_site(config: Config) -> None:
    assert config.local("hosting_origins") == [
        "https://${local.hosting_site_id}.web.app",
        "https://${local.hosting_site_id}.firebaseapp.com",
    ]
    assert config.local("app_origins") == (
        "${distinct(concat(local.hosting_origins, var.cors_origins))}"
    )
    # The API answers the app, and both buckets take its signed-URL requests.
    api = config.resource("google_cloudfunctions2_function", "api")
    environment = merged_env(config, block(api, "service_config")["environment_variables"])
    assert environment["FNT_CORS_ORIGINS"] == '${join(",", local.app_origins)}'
    for bucket in ("uploads", "exports"):
        body = config.resource("google_storage_bucket", bucket)
        assert block(body, "cors")["origin"] == "${local.app_origins}", bucket
    # Sign-in's popup handler is the site's own: first-party, and allowed by the CSP's
    # frame-src, which infra.web_hosting builds from the same auth domain.
    assert config.local("auth_domain") == "${local.hosting_site_id}.web.app"


def authorized_domain_of(config: Config, origin: str) -> str:
    """The host the authorized-domains expression takes from one origin, by its regex."""
    expression = config.local("auth_authorized_domains")
    found = re.search(
        r'\[for origin in local\.app_origins : regex\("(.+?)", origin\)\[0\]\]', expression
    )
    assert found, expression
    match = re.search(found.group(1).replace("\\\\", "\\"), origin)
    assert match, origin
    return match.group(1)


def test_sign_in_is_by_email_link_from_the_apps_domains(config: Config) -> None:
    auth = config.resource("google_identity_platform_config", "auth")
    email = block(block(auth, "sign_in"), "email")
    assert email == {"enabled": True, "password_required": False}  # the passwordless link
    assert auth["authorized_domains"] == "${local.auth_authorized_domains}"
    domains = config.local("auth_authorized_domains")
    # The project's own Firebase domains serve the email action handler.
    assert '"${var.project_id}.firebaseapp.com"' in domains
    for origin, host in {
        "https://my-project-fnt.web.app": "my-project-fnt.web.app",
        "https://novels.example.com:8443": "novels.example.com",
        "http://localhost:5173": "localhost",
    }.items():
        assert authorized_domain_of(config, origin) == host
    assert "localhost" not in domains, "only when an origin names it"


def test_google_sign_in_comes_with_its_oauth_client(config: Config) -> None:
    google = config.resource("google_identity_platform_default_supported_idp_config", "google")
    assert google["count"] == "${local.google_sign_in ? 1 : 0}"
    assert config.local("google_sign_in") == '${var.google_oauth_client_id != ""}'
    assert config.variable_default("google_oauth_client_id") == ""
    assert (google["idp_id"], google["enabled"]) == ("google.com", True)
    assert google["client_id"] == "${var.google_oauth_client_id}"
    # The secret from Secret Manager (created empty, prefixed), never a variable.
    assert reference(google["client_secret"]) == (
        "data.google_secret_manager_secret_version.google_oauth_client_secret[0].secret_data"
    )
    read = config.data["google_secret_manager_secret_version"]["google_oauth_client_secret"]
    assert read["count"] == google["count"]
    secret = config.resource("google_secret_manager_secret", "google_oauth_client_secret")
    assert secret["secret_id"] == "${var.name_prefix}-google-oauth-client-secret"
    assert "${google_identity_platform_config.auth}" in google["depends_on"]
    # The operator makes the OAuth client: the variable says where and with what.
    description = config.variables["google_oauth_client_id"]["description"]
    assert "cannot create" in description and "/__/auth/handler" in description
    validation = config.variables["google_oauth_client_id"]["validation"][0]["condition"]
    pattern = re.search(r'regex\("(.+?)", var', validation)
    assert pattern
    assert re.fullmatch(
        pattern.group(1).replace("\\\\", "\\"), "1234567890-abc123def.apps.googleusercontent.com"
    )


def test_outputs_give_the_app_its_address_and_its_deploy_its_values(config: Config) -> None:
    assert config.outputs["app_url"]["value"] == (
        "https://${google_firebase_hosting_site.app.site_id}.web.app"
    )
    web_config = config.outputs["web_config"]["value"]
    assert web_config["api_url"] == config.outputs["api_url"]["value"]
    assert reference(web_config["api_key"]) == "data.google_firebase_web_app_config.app.api_key"
    assert web_config["auth_domain"] == "${local.auth_domain}"
    assert web_config["google_sign_in"] == "${local.google_sign_in}"
    assert "google_oauth_client_secret" in config.outputs
