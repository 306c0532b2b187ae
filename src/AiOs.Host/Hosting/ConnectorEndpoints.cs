using System.Security.Cryptography;
using System.Text;
using AiOs.Api.Keys;
using AiOs.Connectors.Calendar;
using AiOs.Connectors.Resilience;
using Microsoft.Extensions.Options;

namespace AiOs.Host.Hosting;

/// <summary>The connectors' HTTP endpoints: <c>GET /connectors</c> (each connector's health, for any valid API key as
/// <c>Authorization: Bearer &lt;key&gt;</c>) and, when the calendar connector is configured,
/// <c>GET /calendar/&lt;feed token&gt;.ics</c> (the iCalendar feed; the token in the address is its credential, since
/// calendar apps cannot send a key).</summary>
public static class ConnectorEndpoints
{
    private static readonly System.Text.Json.JsonSerializerOptions HealthJson = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static WebApplication MapAiOsConnectors(this WebApplication app)
    {
        app.MapGet("/connectors", async (HttpContext http, ApiKeyAuthenticator keys, IEnumerable<IConnectorHealth> connectors) =>
        {
            var header = http.Request.Headers.Authorization.ToString();
            var key = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
            if (await keys.AuthenticateAsync(key, http.RequestAborted) is null)
            {
                return Results.Json(new { error = "an API key is required: Authorization: Bearer <key>" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            return Results.Json(new { connectors = connectors.Select(c => c.Health()).ToList() }, HealthJson);
        });

        if (app.Services.GetService<CalendarFeed>() is not null)
        {
            app.MapGet("/calendar/{file}", async (string file, CalendarFeed feed, IOptions<CalendarOptions> options, CancellationToken ct) =>
            {
                var expected = Encoding.UTF8.GetBytes(options.Value.FeedToken + ".ics");
                return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(file), expected)
                    ? Results.Text(await feed.RenderAsync(ct), "text/calendar; charset=utf-8")
                    : Results.NotFound();
            });
        }

        return app;
    }
}
