using AiOs.Persistence.Approvals;
using AiOs.Workforce.Policies;

namespace AiOs.Workforce.Tests.Approvals;

/// <summary>The policy language: the defaults the issue asks for, each condition, the floor no rule lowers, and malformed
/// documents refused as a whole with the line and the reason.</summary>
public sealed class PolicyParserTests
{
    private static readonly DateTimeOffset Noon = new(2026, 5, 4, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("email.send", true, null, PolicyVerdict.NeedsApproval, "customer-emails")]
    [InlineData("note.add", true, null, PolicyVerdict.Auto, "internal-notes")]
    [InlineData("payment.send", false, null, PolicyVerdict.NeedsApproval, "payments-and-contracts")]
    [InlineData("contract.sign", false, null, PolicyVerdict.NeedsApproval, "payments-and-contracts")]
    [InlineData("webhook.post", false, null, PolicyVerdict.Auto, "otherwise")]
    [InlineData("webhook.post", false, "1500", PolicyVerdict.NeedsApproval, Policy.FloorRule)]
    public void DefaultPolicy_DecidesAsTheIssueAsks(string action, bool toCustomer, string? amount, PolicyVerdict outcome, string rule)
    {
        var decision = PolicyParser.Parse(DefaultPolicy.Document).Decide(Facts(action, toCustomer: toCustomer, amount: amount is null ? null : decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal((outcome, rule), (decision.Outcome, decision.Rule));
    }

    [Fact]
    public void Conditions_AllMustHold_FirstMatchingRuleDecides_AndTheFloorOverridesAuto()
    {
        var policy = PolicyParser.Parse("""
            timeZone: Europe/Berlin
            rules:
              - name: night
                when: { action: email.*, timeOutside: "08:00-20:00" }
                then: refused
              - name: unsure
                when: { confidenceBelow: 0.7 }
                then: needs-approval
              - name: new-people
                when: { newRecipient: true, customerTier: [gold, platinum] }
                then: needs-approval
              - name: small-payments
                when: { action: payment.*, amountAtMost: 50 }
                then: auto
              - name: rest
                then: auto
            """);

        Assert.Equal("night", policy.Decide(Facts("email.send", at: new DateTimeOffset(2026, 5, 4, 19, 30, 0, TimeSpan.Zero))).Rule); // 21:30 in Berlin
        Assert.Equal("rest", policy.Decide(Facts("email.send", at: new DateTimeOffset(2026, 5, 4, 17, 30, 0, TimeSpan.Zero))).Rule);
        Assert.Equal("unsure", policy.Decide(Facts("webhook.post", confidence: 0.5)).Rule);
        Assert.Equal("new-people", policy.Decide(Facts("webhook.post", recipient: "a@b", isNew: true, tier: "Gold")).Rule);
        Assert.Equal("rest", policy.Decide(Facts("webhook.post", recipient: "a@b", isNew: true, tier: "bronze")).Rule);
        var payment = policy.Decide(Facts("payment.send", amount: 20));
        Assert.Equal((PolicyVerdict.NeedsApproval, Policy.FloorRule), (payment.Outcome, payment.Rule));
        Assert.Contains("small-payments", payment.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleTerms_OverrideTheDefaults()
    {
        var policy = PolicyParser.Parse("""
            approvals: { deadline: 2h, grace: 30m, default: reject }
            rules:
              - name: notes
                when: { action: note.* }
                then: needs-approval
                deadline: 1d
                default: approve
              - name: rest
                then: needs-approval
            """);

        Assert.Equal(new ApprovalTerms(TimeSpan.FromDays(1), TimeSpan.FromMinutes(30), ApprovalDefault.Approve), policy.Decide(Facts("note.add")).Terms);
        Assert.Equal(new ApprovalTerms(TimeSpan.FromHours(2), TimeSpan.FromMinutes(30), ApprovalDefault.Reject), policy.Decide(Facts("email.send")).Terms);
    }

    [Theory]
    [InlineData("rules:\n  - name: a\n    then: maybe\n", 3, "then must be auto, needs-approval or refused, not 'maybe'")]
    [InlineData("rules:\n  - name: a\n    when: { amountOver: lots }\n    then: auto\n", 3, "amountOver must be a number, not 'lots'")]
    [InlineData("rules:\n  - name: a\n    then: auto\n  - name: a\n    then: refused\n", 4, "a second rule is named 'a'")]
    [InlineData("rules:\n  - name: a\n    when: { action: email.send\n    then: auto\n", 4, "not valid YAML")]
    [InlineData("timezone: UTC\nrules: []\n", 1, "unknown top-level key 'timezone'")]
    [InlineData("timeZone: Mars/Olympus\nrules: []\n", 1, "unknown time zone 'Mars/Olympus'")]
    [InlineData("rules:\n  - name: a\n    when: { timeBetween: \"9-5\" }\n    then: auto\n", 3, "timeBetween must be a window such as")]
    [InlineData("approvals:\n  deadline: soon\nrules: []\n", 2, "deadline must be a positive duration")]
    [InlineData("otherwise: auto\n", 1, "the policy has no 'rules' list")]
    [InlineData("", 1, "the policy must be one YAML mapping")]
    public void Malformed_IsRefusedWithTheLineAndReason(string document, int line, string reason)
    {
        var error = Assert.Throws<PolicyInvalidException>(() => PolicyParser.Parse(document));

        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"policy line {line}: ", error.Message, StringComparison.Ordinal);
    }

    private static PolicyFacts Facts(
        string action, bool toCustomer = false, decimal? amount = null, double confidence = 0.9, string? recipient = null, bool isNew = false, string? tier = null,
        DateTimeOffset? at = null) =>
        new(action, amount, recipient, isNew, toCustomer, tier, confidence, at ?? Noon);
}
