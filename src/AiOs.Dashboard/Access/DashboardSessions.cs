using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using AiOs.Api.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AiOs.Dashboard.Access;

/// <summary>Dashboard logins of this silo. A session is a random token in an HttpOnly, SameSite=Strict cookie (Secure
/// when the page came over TLS); state-changing requests must also carry the session's CSRF token in a header, which a
/// page of another origin cannot read. Sessions live in memory: a silo restart logs everyone out, which is acceptable for
/// an operator's console and keeps API keys out of the database and of cookies.</summary>
internal sealed class DashboardSessions(ApiKeyAuthenticator authenticator, IOptions<DashboardOptions> options, TimeProvider time)
{
    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "aios_dashboard";

    /// <summary>The header that carries the CSRF token on actions.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    // Enough for every browser an operator could have open; beyond it the oldest login goes.
    private const int MaxSessions = 1000;

    private readonly ConcurrentDictionary<string, DashboardSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Checks a key and opens a session for it. Returns the session and its token, or the reason for refusing.</summary>
    public async Task<(DashboardSession? Session, string? Token, string? Refusal)> LoginAsync(string? apiKey, CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(apiKey?.Trim(), cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return (null, null, "that API key is not valid (unknown, revoked or mistyped)");
        }

        if (caller.Scope is not (ApiKeyScopes.Operator or ApiKeyScopes.ReadOnly))
        {
            return (null, null, $"a {caller.Scope} key cannot open the dashboard; use an operator or read-only key");
        }

        Sweep();
        var token = NewToken();
        var session = new DashboardSession(apiKey!.Trim(), caller, NewToken(), time.GetUtcNow() + options.Value.SessionLifetime);
        _sessions[Hash(token)] = session;
        return (session, token, null);
    }

    /// <summary>The session of a request's cookie, re-checking its key (cached by the authenticator, so this is cheap);
    /// null when there is none, it expired, or its key was revoked.</summary>
    public async Task<DashboardSession?> FindAsync(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return null;
        }

        var id = Hash(token);
        if (!_sessions.TryGetValue(id, out var session))
        {
            return null;
        }

        if (session.ExpiresAt <= time.GetUtcNow())
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        var caller = await authenticator.AuthenticateAsync(session.ApiKey, context.RequestAborted).ConfigureAwait(false);
        if (caller is null)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }

        session.Caller = caller;
        return session;
    }

    /// <summary>Ends the session of a request's cookie.</summary>
    public void Logout(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(CookieName, out var token) && !string.IsNullOrEmpty(token))
        {
            _sessions.TryRemove(Hash(token), out _);
        }
    }

    /// <summary>The cookie options: HttpOnly, SameSite=Strict, Secure over TLS, scoped to the dashboard's path.</summary>
    public CookieOptions CookieFor(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = DashboardRoutes.Base,
        Expires = expires,
        IsEssential = true,
    };

    /// <summary>True when the request carries the session's CSRF token (compared in constant time).</summary>
    public static bool CsrfMatches(HttpContext context, DashboardSession session)
    {
        var presented = context.Request.Headers[CsrfHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(session.CsrfToken));
    }

    private void Sweep()
    {
        var now = time.GetUtcNow();
        foreach (var (id, session) in _sessions)
        {
            if (session.ExpiresAt <= now)
            {
                _sessions.TryRemove(id, out _);
            }
        }

        while (_sessions.Count >= MaxSessions)
        {
            var oldest = _sessions.MinBy(p => p.Value.ExpiresAt);
            _sessions.TryRemove(oldest.Key, out _);
        }
    }

    private static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // Tokens are stored hashed, so that a memory dump of the dictionary's keys does not yield usable cookies.
    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
