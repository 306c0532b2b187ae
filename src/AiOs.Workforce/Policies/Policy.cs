using System.Globalization;
using AiOs.Persistence.Approvals;

namespace AiOs.Workforce.Policies;

/// <summary>A condition of a rule: all of a rule's conditions must hold for it to decide.</summary>
/// <param name="Text">The condition as written, e.g. <c>amountOver: 500</c>.</param>
/// <param name="Holds">Whether it holds for a side effect, given its risk class.</param>
public sealed record PolicyCondition(string Text, Func<PolicyFacts, string, bool> Holds);

/// <summary>How long an approval waits and what happens if nobody decides.</summary>
public sealed record ApprovalTerms(TimeSpan Deadline, TimeSpan Grace, ApprovalDefault Default);

/// <summary>One rule: a name, conditions, an outcome, and for approvals optionally its own terms.</summary>
public sealed record PolicyRule(string Name, IReadOnlyList<PolicyCondition> Conditions, PolicyVerdict Outcome, ApprovalTerms? Terms, int Line)
{
    /// <summary>The conditions as written, for the operator.</summary>
    public string ConditionText => Conditions.Count == 0 ? "always" : string.Join(", ", Conditions.Select(c => c.Text));
}

/// <summary>What policy decided for a side effect: the outcome, the rule that decided it and why; for approvals, the
/// terms (deadline, grace, default action).</summary>
public sealed record PolicyDecision(PolicyVerdict Outcome, string Rule, string Reason, string RiskClass, ApprovalTerms Terms);

/// <summary>A parsed policy: rules checked top to bottom (the first whose every condition holds decides), a floor that
/// no rule can lower (payments, contracts and amounts over a limit always go to the operator), risk classes per action
/// kind, and the outcome when no rule matches.</summary>
public sealed class Policy
{
    public const string FloorRule = "always-operator";
    public const string OtherwiseRule = "otherwise";

    internal Policy(
        IReadOnlyList<PolicyRule> rules,
        IReadOnlyList<(string Pattern, string Risk)> risks,
        IReadOnlyList<string> alwaysActions,
        decimal? alwaysAmountOver,
        PolicyVerdict otherwise,
        ApprovalTerms terms,
        TimeZoneInfo timeZone)
    {
        Rules = rules;
        Risks = risks;
        AlwaysActions = alwaysActions;
        AlwaysAmountOver = alwaysAmountOver;
        Otherwise = otherwise;
        Terms = terms;
        TimeZone = timeZone;
    }

    public IReadOnlyList<PolicyRule> Rules { get; }

    public IReadOnlyList<(string Pattern, string Risk)> Risks { get; }

    public IReadOnlyList<string> AlwaysActions { get; }

    public decimal? AlwaysAmountOver { get; }

    public PolicyVerdict Otherwise { get; }

    public ApprovalTerms Terms { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The risk class of an action kind: the first matching entry of <c>risk</c>, else <c>medium</c>.</summary>
    public string RiskOf(string action) => Risks.FirstOrDefault(r => Glob.Matches(r.Pattern, action)).Risk ?? "medium";

    public PolicyDecision Decide(PolicyFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        facts = facts with { At = TimeZoneInfo.ConvertTime(facts.At, TimeZone) };
        var risk = RiskOf(facts.Action);
        var rule = Rules.FirstOrDefault(r => r.Conditions.All(c => c.Holds(facts, risk)));
        var decision = rule is null
            ? new PolicyDecision(Otherwise, OtherwiseRule, "no rule matched", risk, Terms)
            : new PolicyDecision(rule.Outcome, rule.Name, $"matched {rule.ConditionText}", risk, rule.Terms ?? Terms);
        if (decision.Outcome != PolicyVerdict.Auto)
        {
            return decision;
        }

        if (AlwaysActions.FirstOrDefault(p => Glob.Matches(p, facts.Action)) is { } pattern)
        {
            return decision with { Outcome = PolicyVerdict.NeedsApproval, Rule = FloorRule, Reason = $"'{facts.Action}' ({pattern}) always goes to the operator; rule '{decision.Rule}' would have let it run" };
        }

        if (AlwaysAmountOver is { } limit && facts.Amount > limit)
        {
            return decision with
            {
                Outcome = PolicyVerdict.NeedsApproval,
                Rule = FloorRule,
                Reason = string.Create(CultureInfo.InvariantCulture, $"amount {facts.Amount} is over {limit}, which always goes to the operator; rule '{decision.Rule}' would have let it run"),
            };
        }

        return decision;
    }
}

/// <summary>Action patterns: exact, or ending in <c>*</c> to match any suffix (<c>email.*</c>, <c>*</c>).</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string value) =>
        pattern.EndsWith('*') ? value.StartsWith(pattern[..^1], StringComparison.Ordinal) : string.Equals(pattern, value, StringComparison.Ordinal);
}
