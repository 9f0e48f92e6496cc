"""The words of every OAuth error, as Pipedrive's docs give them (facts page, OAuth; "OAuth status codes")."""
from __future__ import annotations

from typing import Final

from ...errors import OAuthError

# POST /oauth/token (and GET /oauth/authorize for the client and the redirect URI): 400
MISSING_GRANT_TYPE: Final = "Missing parameter: grant_type"
# The facts page shortens this one to "Unsupported grant type"; the docs' table has the whole message.
UNSUPPORTED_GRANT_TYPE: Final = "Unsupported grant type: grant_type is invalid"
CODE_INVALID: Final = "Invalid grant: authorization_code is invalid"
CODE_EXPIRED: Final = "Invalid grant: authorization_code has expired"
REFRESH_TOKEN_INVALID: Final = "Invalid grant: refresh_token is invalid"
CLIENT_CREDENTIALS_MISSING: Final = "Invalid client: cannot retrieve client credentials"
CLIENT_INVALID: Final = "Invalid client: client is invalid"
REDIRECT_URI_NOT_URI: Final = "Invalid request: redirect_uri is not a valid URI"
# In the docs' table, not on the facts page: a redirect URI the app was not registered with.
REDIRECT_URI_INVALID: Final = "Invalid request: redirect_uri is invalid"
CONTENT_NOT_FORM: Final = "Invalid request: content must be application/x-www-form-urlencoded"
# GET /oauth/authorize for a user whose company has no such app (the docs' table).
APP_NOT_INSTALLABLE: Final = "App cannot be installed for requested company"

# The API, called with a bearer access token
TOKEN_EXPIRED: Final = "Invalid token: access token has expired"  # 401
TOKEN_INVALID: Final = "Invalid token: access token is invalid"  # 401
SCOPE_MISMATCH: Final = "Scope and URL mismatch"  # 403

# What each means, in the mock's words (the `error_info` of the answer).
HINTS: Final[dict[str, str]] = {
    MISSING_GRANT_TYPE: "Send grant_type=authorization_code or grant_type=refresh_token in the form body",
    UNSUPPORTED_GRANT_TYPE: "The mock supports the grant types authorization_code and refresh_token",
    CODE_INVALID: "The code is unknown, was given to another app, or was already exchanged for tokens",
    CODE_EXPIRED: "A code must be exchanged within 5 minutes of the consent, on the mock's clock",
    REFRESH_TOKEN_INVALID: "The refresh token is unknown, belongs to another app, was already used "
                           "(each refresh answers a new one) or was unused for 60 days",
    CLIENT_CREDENTIALS_MISSING: "Authenticate the app with Authorization: Basic base64(client_id:client_secret)",
    CLIENT_INVALID: "No app has this client_id and client_secret (the default app is "
                    "mock-client-id / mock-client-secret; POST /_mock/oauth/apps adds more)",
    REDIRECT_URI_NOT_URI: "redirect_uri must be an absolute http(s) URI",
    REDIRECT_URI_INVALID: "redirect_uri must be one the app was registered with (any loopback URI for an app "
                          "registered without any), and the same at the token request as at the consent",
    APP_NOT_INSTALLABLE: "The app is not registered in the company of the consenting user (user_id)",
    CONTENT_NOT_FORM: "Send the token request with Content-Type: application/x-www-form-urlencoded",
    TOKEN_EXPIRED: "Refresh it: POST /oauth/token with grant_type=refresh_token",
    TOKEN_INVALID: "No access token of this company has this value (a reset or restore forgets tokens)",
    SCOPE_MISMATCH: "The app's scopes do not allow this operation; see the operation's security in openapi.yaml",
}


def oauth_error(message: str, status: int = 400) -> OAuthError:
    """The error to raise for one of the messages above, with its hint."""
    return OAuthError(message, status=status, error_info=HINTS.get(message))
