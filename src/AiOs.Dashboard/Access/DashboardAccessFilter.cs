using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Dashboard.Access;

/// <summary>What an endpoint does, and so what it needs.</summary>
internal enum DashboardAccess
{
    /// <summary>Shows data: a session.</summary>
    Read,

    /// <summary>Changes only the session (logout): a session, same origin, the CSRF token.</summary>
    Session,

    /// <summary>Changes the system: all of the above, and an operator key.</summary>
    Act,
}

/// <summary>Guards every data endpoint: no session, 401. Guards every state-changing request besides: a request from
/// another origin or without the session's CSRF token, 403 with the reason; and every action: a read-only key, 403.</summary>
// Sessions are resolved per request, not when the endpoints are mapped: mapping happens before the host validates its
// settings, and a bad setting must end the start with its own message, not with a missing service.
internal sealed class DashboardAccessFilter(DashboardAccess access) : IEndpointFilter
{
    /// <summary>The session of the request, for handlers (set by this filter).</summary>
    public const string SessionItem = "aios.dashboard.session";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var sessions = http.RequestServices.GetRequiredService<DashboardSessions>();
        var session = await sessions.FindAsync(http).ConfigureAwait(false);
        if (session is null)
        {
            return Results.Json(new { error = "log in first: this needs a dashboard session" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (access != DashboardAccess.Read)
        {
            if (!SameOrigin.Holds(http))
            {
                return Refuse("the request came from another origin");
            }

            if (!DashboardSessions.CsrfMatches(http, session))
            {
                return Refuse($"the request lacks this session's CSRF token (header {DashboardSessions.CsrfHeader})");
            }

            if (access == DashboardAccess.Act && !session.MayAct)
            {
                return Refuse($"key {session.Caller.KeyId} is read-only: it may look but not act");
            }
        }

        http.Items[SessionItem] = session;
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The session the filter admitted.</summary>
    public static DashboardSession SessionOf(HttpContext context) => (DashboardSession)context.Items[SessionItem]!;

    private static IResult Refuse(string reason) => Results.Json(new { error = reason }, statusCode: StatusCodes.Status403Forbidden);
}

/// <summary>Browsers send Origin on every POST; when present it must name this host. (SameSite=Strict already keeps the
/// cookie off cross-site requests; this is the second lock.)</summary>
internal static class SameOrigin
{
    public static bool Holds(HttpContext context)
    {
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
