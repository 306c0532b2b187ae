using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiOs.Dashboard.Tests.Infrastructure;

namespace AiOs.Dashboard.Tests.Http;

/// <summary>The access rules over plain HTTP, as an attacker without a browser would try them.</summary>
[Trait("Category", "Integration")]
public sealed class AccessTests(DashboardFixture fixture)
{
    public static readonly TheoryData<string> DataEndpoints = new()
    {
        "session", "cluster", "cluster?since=0", "grains?type=note&key=a", "reminders", "goals", "goals/any", "goals/any/history", "events", "events/stream",
        "panels", "panels/approvals", "panels/spend", "panels/schedules", "panels/connectors",
    };

    public static readonly TheoryData<string> Actions = new() { "logout", "goals/any/cancel", "panels/approvals/actions/approve", "panels/approvals/actions/reject",
        "panels/approvals/actions/edit-and-approve", "panels/spend/actions/any", "panels/schedules/actions/pause", "panels/schedules/actions/resume",
    };

    [Theory]
    [MemberData(nameof(DataEndpoints))]
    public async Task DataEndpoint_WithoutSession_Is401(string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Silo.DashboardAddress };
        using var response = await client.GetAsync("api/" + path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task Action_WithoutSession_Is401(string path)
    {
        using var client = new HttpClient { BaseAddress = fixture.Silo.DashboardAddress };
        using var response = await client.PostAsync("api/" + path, JsonContent.Create(new { rowIds = new[] { "x" } }), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DataEndpoint_WithForgedCookie_Is401()
    {
        using var handler = new HttpClientHandler { UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Silo.DashboardAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/cluster");
        request.Headers.Add("Cookie", "aios_dashboard=forged-session-token");
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Login_SetsHttpOnlyStrictCookie_AndRefusesBadKeys()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = fixture.Silo.DashboardAddress };

        using var wrong = await client.PostAsync("api/login", JsonContent.Create(new { apiKey = "aios_000000000000_not-a-real-secret" }), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.Contains("Set-Cookie"));

        var frontend = await fixture.Silo.CreateKeyAsync("frontend");
        using var refused = await client.PostAsync("api/login", JsonContent.Create(new { apiKey = frontend }), ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("operator or read-only", await refused.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var ok = await client.PostAsync("api/login", JsonContent.Create(new { apiKey = fixture.OperatorKey }), ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var cookie = Assert.Single(ok.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("aios_dashboard=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/dashboard", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain HTTP here: a Secure cookie would never come back. Over TLS the cookie is Secure (Request.IsHttps).
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(fixture.OperatorKey, cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_WithoutOrWithWrongCsrfToken_IsRefused_AndWithItRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        var goalId = "csrf-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Silo.Grains.GetGrain<AiOs.Workforce.Coordinator.ICoordinatorGrain>(goalId)
            .Submit(new AiOs.Workforce.Coordinator.GoalRequest("Write a blog post about spring"));

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Silo.DashboardAddress };
        using var login = await client.PostAsync("api/login", JsonContent.Create(new { apiKey = fixture.OperatorKey }), ct);
        var csrf = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("csrfToken").GetString()!;

        using var without = await client.PostAsync($"api/goals/{goalId}/cancel", JsonContent.Create(new { }), ct);
        Assert.Equal(HttpStatusCode.Forbidden, without.StatusCode);
        Assert.Contains("CSRF", await without.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);

        using var wrongRequest = new HttpRequestMessage(HttpMethod.Post, $"api/goals/{goalId}/cancel") { Content = JsonContent.Create(new { }) };
        wrongRequest.Headers.Add("X-CSRF-Token", csrf[..^2] + "xx");
        using var wrong = await client.SendAsync(wrongRequest, ct);
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);

        using var crossOrigin = new HttpRequestMessage(HttpMethod.Post, $"api/goals/{goalId}/cancel") { Content = JsonContent.Create(new { }) };
        crossOrigin.Headers.Add("X-CSRF-Token", csrf);
        crossOrigin.Headers.Add("Origin", "http://evil.example");
        using var fromElsewhere = await client.SendAsync(crossOrigin, ct);
        Assert.Equal(HttpStatusCode.Forbidden, fromElsewhere.StatusCode);

        var status = await fixture.Silo.Grains.GetGrain<AiOs.Workforce.Coordinator.ICoordinatorGrain>(goalId).Status();
        Assert.NotEqual(AiOs.Workforce.Coordinator.GoalPhase.Cancelled, status.Phase);

        using var right = new HttpRequestMessage(HttpMethod.Post, $"api/goals/{goalId}/cancel") { Content = JsonContent.Create(new { }) };
        right.Headers.Add("X-CSRF-Token", csrf);
        using var done = await client.SendAsync(right, ct);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }

    [Fact]
    public async Task PeerQuery_OnTheHttpPortOrWithoutSecret_IsNotServed()
    {
        using var client = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        foreach (var query in new[] { "dashboard/silo", "dashboard/panel?name=connectors", "dashboard/activation?type=note&key=k" })
        {
            using var response = await client.GetAsync("aios/cluster/v1/query/" + query, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
