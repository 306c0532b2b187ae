using System.Net;
using System.Text.Json;
using AiOs.Cluster;
using AiOs.Dashboard.Access;
using AiOs.Dashboard.ClusterView;
using AiOs.Dashboard.ControlPlane;
using AiOs.Dashboard.Panels;
using AiOs.Persistence;
using AiOs.Persistence.Events;
using AiOs.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Dashboard;

/// <summary>The dashboard's HTTP surface: the page, login, the data endpoints (401 without a session), the actions
/// (CSRF token and an operator key), and the queries other silos make on the silo-to-silo port.</summary>
internal static class DashboardEndpoints
{
    private const int MaxReminders = 500;
    private const int FeedBacklog = 50;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var page = endpoints.MapGroup(DashboardRoutes.Base).AddEndpointFilter(SecurityHeaders);
        // Routing does not tell "/dashboard" from "/dashboard/"; the page's relative links need the slash.
        page.MapGet("/", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? StaticAssets.Serve(context, "index.html")
            : Results.Redirect(DashboardRoutes.Base + "/", permanent: false));
        page.MapGet("/assets/{name}", (HttpContext context, string name) => StaticAssets.Serve(context, name));

        var api = endpoints.MapGroup(DashboardRoutes.Api).AddEndpointFilter(SecurityHeaders).AddEndpointFilter(NoStore);
        api.MapPost("/login", LoginAsync);

        var read = api.MapGroup("").AddEndpointFilter(new DashboardAccessFilter(DashboardAccess.Read));
        read.MapGet("/session", (HttpContext context) => SessionView(DashboardAccessFilter.SessionOf(context)));
        read.MapGet("/cluster", (ClusterOverview overview, long? since, CancellationToken ct) => overview.ReadAsync(since ?? 0, ct));
        read.MapGet("/grains", InspectAsync);
        read.MapGet("/reminders", RemindersAsync);
        read.MapGet("/goals", async (GoalsBoard goals, CancellationToken ct) =>
            await goals.ListAsync(ct).ConfigureAwait(false) is { } list ? Results.Json(list, DashboardJson.Options) : NotAvailable("goals need a storage provider"));
        read.MapGet("/goals/{goalId}", async (GoalsBoard goals, string goalId, CancellationToken ct) =>
            await goals.OpenAsync(goalId, ct).ConfigureAwait(false) is { } goal ? Results.Json(goal, DashboardJson.Options) : Missing($"there is no goal '{goalId}'"));
        read.MapGet("/goals/{goalId}/history", async (GoalHistory history, string goalId, CancellationToken ct) =>
            await history.ReadAsync(goalId, ct).ConfigureAwait(false) is { } view ? Results.Json(view, DashboardJson.Options) : Missing($"there is no goal '{goalId}'"));
        read.MapGet("/events", EventsAsync);
        read.MapGet("/events/stream", StreamEventsAsync);
        read.MapGet("/panels", (DashboardPanels panels) => Results.Json(panels.List(), DashboardJson.Options));
        read.MapGet("/panels/{name}", PanelAsync);

        api.MapPost("/logout", (HttpContext context, DashboardSessions sessions) =>
        {
            sessions.Logout(context);
            context.Response.Cookies.Delete(DashboardSessions.CookieName, sessions.CookieFor(context, null));
            return Results.NoContent();
        }).AddEndpointFilter(new DashboardAccessFilter(DashboardAccess.Session));

        var act = api.MapGroup("").AddEndpointFilter(new DashboardAccessFilter(DashboardAccess.Act));
        act.MapPost("/goals/{goalId}/cancel", CancelGoalAsync);
        act.MapPost("/panels/{name}/actions/{action}", PanelActionAsync);

        if (endpoints.ServiceProvider.GetService<ClusterPeers>() is { } peers)
        {
            MapPeerQueries(endpoints, peers);
        }
    }

    private static async Task<IResult> LoginAsync(
        HttpContext context, DashboardSessions sessions, IOptions<DashboardOptions> options, ILogger<DashboardSessions> logger)
    {
        if (!SameOrigin.Holds(context))
        {
            return Results.Json(new { error = "the request came from another origin" }, statusCode: StatusCodes.Status403Forbidden);
        }

        // An API key must not cross a network in clear: without TLS, logins are taken on loopback only.
        if (!context.Request.IsHttps && context.Connection.LocalIpAddress is { } local && !IPAddress.IsLoopback(local) && !options.Value.AllowInsecureRemote)
        {
            return Results.Json(new { error = "this silo serves the dashboard without TLS, so it takes logins only on loopback (use an SSH tunnel or " +
                "kubectl port-forward), unless AiOs:Dashboard:AllowInsecureRemote is set" }, statusCode: StatusCodes.Status403Forbidden);
        }

        LoginRequest? request;
        try
        {
            request = await context.Request.ReadFromJsonAsync<LoginRequest>(DashboardJson.Options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            return Results.Json(new { error = "send JSON {\"apiKey\": \"aios_...\"}" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var (session, token, refusal) = await sessions.LoginAsync(request?.ApiKey, context.RequestAborted).ConfigureAwait(false);
        if (session is null)
        {
            Log.LoginRefused(logger, context.Connection.RemoteIpAddress?.ToString() ?? "?", refusal!);
            return Results.Json(new { error = refusal }, statusCode: StatusCodes.Status401Unauthorized);
        }

        context.Response.Cookies.Append(DashboardSessions.CookieName, token!, sessions.CookieFor(context, session.ExpiresAt));
        Log.LoggedIn(logger, session.Caller.KeyId, session.Caller.Scope);
        return SessionView(session);
    }

    private static IResult SessionView(DashboardSession session) => Results.Json(
        new { keyId = session.Caller.KeyId, scope = session.Caller.Scope, mayAct = session.MayAct, csrfToken = session.CsrfToken, expiresAt = session.ExpiresAt },
        DashboardJson.Options);

    private static async Task<IResult> InspectAsync(GrainInspector inspector, string? type, string? key, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(type) || key is null)
        {
            return BadRequest("give the grain's type and key (?type=customer&key=acme)");
        }

        GrainId grain;
        try
        {
            grain = new GrainId(type.Trim(), key);
        }
        catch (ArgumentException exception)
        {
            return BadRequest(exception.Message);
        }

        return Results.Json(await inspector.InspectAsync(grain, ct).ConfigureAwait(false), DashboardJson.Options);
    }

    private static async Task<IResult> RemindersAsync(SiloRuntime runtime, IServiceProvider services, CancellationToken ct)
    {
        if (services.GetService<IReminderTable>() is not { } table)
        {
            return NotAvailable("this silo has no reminder storage");
        }

        // Storage holds every silo's reminders, so one read answers for the whole cluster.
        var all = await table.ReadPartitionsAsync(Enumerable.Range(0, runtime.Ownership.PartitionCount).ToArray(), ct).ConfigureAwait(false);
        var rows = all.OrderBy(r => r.NextDue).Take(MaxReminders)
            .Select(r => new ReminderView(r.GrainId.Type, r.GrainId.Key, r.Name, r.Period, r.NextDue, r.Partition))
            .ToList();
        return Results.Json(new { total = all.Count, reminders = rows }, DashboardJson.Options);
    }

    private static async Task<IResult> EventsAsync(IServiceProvider services, long? after, CancellationToken ct)
    {
        if (services.GetService<IEventLog>() is not { } log)
        {
            return NotAvailable("this silo has no event log");
        }

        var from = after ?? Math.Max(0, (await log.ReadHeadAsync(ct).ConfigureAwait(false)).LastSequence - FeedBacklog);
        var events = await log.ReadAsync(from, FeedBacklog, ct).ConfigureAwait(false);
        return Results.Json(new { lastSequence = events.Count > 0 ? events[^1].Sequence : from, events = events.Select(EventView.From) }, DashboardJson.Options);
    }

    // Server-sent events: the log has no change notification, so the stream polls it (one indexed read of what follows the
    // last sequence sent) every quarter second while the page is open.
    private static async Task StreamEventsAsync(HttpContext context, IServiceProvider services, TimeProvider time, long? after)
    {
        if (services.GetService<IEventLog>() is not { } log)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var ct = context.RequestAborted;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(": open\n\n", ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
        var last = after ?? (await log.ReadHeadAsync(ct).ConfigureAwait(false)).LastSequence;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var batch = await log.ReadAsync(last, 200, ct).ConfigureAwait(false);
                foreach (var stored in batch)
                {
                    last = stored.Sequence;
                    var json = JsonSerializer.Serialize(EventView.From(stored), DashboardJson.Options);
                    await context.Response.WriteAsync($"id: {stored.Sequence}\ndata: {json}\n\n", ct).ConfigureAwait(false);
                }

                await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                if (batch.Count < 200)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }

    private static async Task<IResult> PanelAsync(HttpContext context, DashboardPanels panels, PerSiloPanels perSilo, string name, CancellationToken ct)
    {
        if (panels.Find(name) is not { } panel)
        {
            var reserved = DashboardPanels.Reserved.FirstOrDefault(r => r.Name == name);
            return reserved.Name is null ? Missing($"there is no panel '{name}'")
                : Results.Json(new { available = false, title = reserved.Title, promise = reserved.Promise }, DashboardJson.Options);
        }

        var caller = DashboardAccessFilter.SessionOf(context).Caller;
        var content = panel.PerSilo
            ? await perSilo.ReadAsync(panel, caller, ct).ConfigureAwait(false)
            : await panel.ReadAsync(caller, ct).ConfigureAwait(false);
        return Results.Json(new { available = true, title = panel.Title, content }, DashboardJson.Options);
    }

    private static async Task<IResult> PanelActionAsync(
        HttpContext context, DashboardPanels panels, ILogger<DashboardPanels> logger, string name, string action, PanelActionRequest request, CancellationToken ct)
    {
        if (panels.Find(name) is not { } panel)
        {
            return Missing($"there is no panel '{name}' to act on");
        }

        if (request.RowIds is not { Count: > 0 })
        {
            return BadRequest("rowIds must name at least one row");
        }

        var caller = DashboardAccessFilter.SessionOf(context).Caller;
        try
        {
            var message = await panel.ActAsync(caller, action, request.RowIds, request.Input, ct).ConfigureAwait(false);
            Log.ActionTaken(logger, $"{name}/{action}", caller.KeyId);
            return Results.Json(new { message }, DashboardJson.Options);
        }
        catch (DashboardActionException refused)
        {
            return Results.Json(new { error = refused.Message }, statusCode: StatusCodes.Status409Conflict);
        }
    }

    private static async Task<IResult> CancelGoalAsync(HttpContext context, GoalsBoard goals, ILogger<GoalsBoard> logger, string goalId, CancellationToken ct)
    {
        if (await goals.OpenAsync(goalId, ct).ConfigureAwait(false) is null)
        {
            return Missing($"there is no goal '{goalId}'");
        }

        var phase = await goals.CancelAsync(goalId, ct).ConfigureAwait(false);
        Log.ActionTaken(logger, "goal/cancel " + goalId, DashboardAccessFilter.SessionOf(context).Caller.KeyId);
        return Results.Json(new { goalId, phase }, DashboardJson.Options);
    }

    private static void MapPeerQueries(IEndpointRouteBuilder endpoints, ClusterPeers peers)
    {
        var peer = endpoints.MapGroup(ClusterPeers.PathPrefix).AddEndpointFilter((context, next) =>
            peers.IsPeerRequest(context.HttpContext) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        peer.MapGet(ClusterOverview.ReportPath, (LocalSilo local, long? since) => Results.Json(local.Report(since ?? 0), DashboardJson.Options));
        peer.MapGet(PerSiloPanels.PanelPath, async (DashboardPanels panels, string name, CancellationToken ct) =>
            panels.Find(name) is { PerSilo: true } panel
                ? Results.Json(await panel.ReadAsync(PerSiloPanels.Peer, ct).ConfigureAwait(false), DashboardJson.Options)
                : Missing($"there is no per-silo panel '{name}'"));
        peer.MapGet(ClusterOverview.ActivationPath, (SiloRuntime runtime, string type, string key) =>
        {
            try
            {
                return Results.Json(runtime.DescribeActivation(new GrainId(type, key)), DashboardJson.Options);
            }
            catch (ArgumentException exception)
            {
                return BadRequest(exception.Message);
            }
        });
    }

    // The page's own script and styles only; no inline script, no frames, nothing from elsewhere. With every value written
    // as text (textContent), this is the second lock against markup in grain keys, state or events.
    private static ValueTask<object?> SecurityHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }

    private static ValueTask<object?> NoStore(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        context.HttpContext.Response.Headers.CacheControl = "no-store";
        return next(context);
    }

    private static IResult BadRequest(string reason) => Results.Json(new { error = reason }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Missing(string reason) => Results.Json(new { error = reason }, statusCode: StatusCodes.Status404NotFound);

    private static IResult NotAvailable(string reason) => Results.Json(new { available = false, reason }, DashboardJson.Options);

    private sealed record LoginRequest(string? ApiKey);

    private sealed record PanelActionRequest(IReadOnlyList<string>? RowIds, JsonElement? Input);
}
