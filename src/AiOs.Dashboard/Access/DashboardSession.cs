using AiOs.Api.Keys;

namespace AiOs.Dashboard.Access;

/// <summary>A logged-in browser: the key it logged in with (kept in this silo's memory only, so that a revoked key ends
/// the session at the next request), the key's scope, and the session's CSRF token.</summary>
internal sealed class DashboardSession(string apiKey, ApiCaller caller, string csrfToken, DateTimeOffset expiresAt)
{
    public string ApiKey { get; } = apiKey;

    public ApiCaller Caller { get; set; } = caller;

    public string CsrfToken { get; } = csrfToken;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Operator keys act; read-only keys only look.</summary>
    public bool MayAct => Caller.Scope == ApiKeyScopes.Operator;
}
