using AiOs.Persistence.Approvals;

namespace AiOs.Persistence.TestKit.Approvals;

/// <summary>The policy decision log stays append-only in the database, with one exception made for forgetting a customer:
/// a decision's recipient may be erased (set to null), and nothing else may change.</summary>
public abstract class PolicyDecisionLogTests : StorageTestBase
{
    /// <summary>Runs <paramref name="sql"/> on the class's database directly, as someone with write access would.</summary>
    protected abstract Task ExecuteAsync(string sql);

    [Fact]
    public async Task PolicyDecisions_RefuseEditsAndDeletes_AndAnotherRecipient_ButLetTheRecipientBeErased()
    {
        var goal = "goal-" + Guid.NewGuid().ToString("N");
        var decision = await Storage.Approvals.RecordPolicyDecisionAsync(
            new PolicyDecisionRecord($"{goal}/k1", goal, "send", "email.send", PolicyVerdict.NeedsApproval, "customer-emails", "why", "ada@acme.example", "3", DateTimeOffset.UnixEpoch), Writer);
        var where = $" WHERE action_key = '{decision.ActionKey}'";

        foreach (var sql in new[]
        {
            "UPDATE aios_policy_decisions SET reason = 'edited'" + where,
            "UPDATE aios_policy_decisions SET recipient = 'eve@acme.example'" + where,
            "UPDATE aios_policy_decisions SET recipient = NULL, rule = 'other'" + where,
            "DELETE FROM aios_policy_decisions" + where,
        })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ExecuteAsync(sql));
            Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal("ada@acme.example", Assert.Single(await Storage.Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, []))).Recipient);
        Assert.Equal(1, await Storage.Approvals.EraseGoalApprovalsAsync(goal));
        var erased = Assert.Single(await Storage.Approvals.ListPolicyDecisionsAsync(new PolicyDecisionQuery(goal, [])));
        Assert.Equal(decision with { Recipient = null }, erased);
    }
}
