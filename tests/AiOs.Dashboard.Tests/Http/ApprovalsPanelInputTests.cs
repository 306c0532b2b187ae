using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiOs.Dashboard.Tests.Infrastructure;
using AiOs.Persistence.Approvals;
using AiOs.Persistence.Events;
using AiOs.Testing;
using AiOs.Workforce.Approvals;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Entities;

namespace AiOs.Dashboard.Tests.Http;

/// <summary>Bad input to the approvals panel's actions is refused with a reason and decides nothing.</summary>
[Trait("Category", "Integration")]
public sealed class ApprovalsPanelInputTests(DashboardFixture fixture)
{
    [Fact]
    public async Task RejectWithoutReason_AndEditWithoutAnObject_AreRefused_AndTheItemStaysPending()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        await fixture.Silo.Grains.GetGrain<ICustomerGrain>("input-" + suffix)
            .Save(new Customer("Input Ltd", $"ops-{suffix}@input.example"), new EventProvenance("test", "operator"));
        var coordinator = fixture.Silo.Grains.GetGrain<ICoordinatorGrain>("input-goal-" + suffix);
        await coordinator.Submit(new GoalRequest("Onboard Input Ltd", "input-" + suffix, Playbook: "onboard-customer"));
        GoalStatus? status = null;
        await Eventually.WaitUntilAsync(async () => (status = await coordinator.Status()).WaitingApprovals is { Count: > 0 }, "the goal waits for approval");
        var approvalId = status!.WaitingApprovals![0];

        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Silo.DashboardAddress };
        using var login = await client.PostAsync("api/login", JsonContent.Create(new { apiKey = fixture.OperatorKey }), ct);
        var csrf = JsonDocument.Parse(await login.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("csrfToken").GetString()!;

        async Task<(HttpStatusCode, string)> ActAsync(string action, object? input)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"api/panels/approvals/actions/{action}")
            {
                Content = JsonContent.Create(new { rowIds = new[] { approvalId }, input }),
            };
            request.Headers.Add("X-CSRF-Token", csrf);
            using var response = await client.SendAsync(request, ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
        }

        var (rejectStatus, rejectBody) = await ActAsync("reject", new { });
        Assert.Equal(HttpStatusCode.Conflict, rejectStatus);
        Assert.Contains("a rejection needs a reason", rejectBody, StringComparison.Ordinal);
        var (editStatus, editBody) = await ActAsync("edit-and-approve", "not an object");
        Assert.Equal(HttpStatusCode.Conflict, editStatus);
        Assert.Contains("payload to send, as a JSON object", editBody, StringComparison.Ordinal);
        var (unknownStatus, unknownBody) = await ActAsync("delete", null);
        Assert.Equal(HttpStatusCode.Conflict, unknownStatus);
        Assert.Contains("unknown action 'delete'", unknownBody, StringComparison.Ordinal);

        Assert.Equal(ApprovalState.Pending, (await fixture.Silo.Grains.GetGrain<IApprovalGrain>(approvalId).Get())!.Status);
    }
}
