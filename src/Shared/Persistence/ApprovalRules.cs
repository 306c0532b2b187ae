using System.Text.Json;
using AiOs.Persistence.Approvals;

namespace AiOs.Persistence.Shared;

/// <summary>What both providers accept as approvals and policy decisions, checked before any SQL runs; and the stored forms
/// of their enums and source lists (by name and as a JSON array, so that a row reads the same whatever the enum numbering
/// becomes).</summary>
internal static class ApprovalRules
{
    public static void Validate(ApprovalRecord approval)
    {
        ArgumentNullException.ThrowIfNull(approval);
        EventRules.RequireName(approval.ApprovalId, "approval id", "Approval", kindCharacters: false);
        var where = $"Approval '{approval.ApprovalId}'";
        EventRules.RequireName(approval.GoalId, "goal id", where, kindCharacters: false);
        EventRules.RequireName(approval.TaskId, "task id", where, kindCharacters: false);
        EventRules.RequireName(approval.ActionKey, "action key", where, kindCharacters: false);
        EventRules.RequireName(approval.ActionKind, "action kind", where, kindCharacters: false);
        EventRules.RequireName(approval.RiskClass, "risk class", where, kindCharacters: false);
        EventRules.RequireName(approval.PolicyRule, "policy rule", where, kindCharacters: false);
        EventRules.RequireJson(approval.Payload, "payload", where);
        if (approval.FinalPayload is { } final)
        {
            EventRules.RequireJson(final, "final payload", where);
        }

        if (approval.Confidence is < 0 or > 1 || double.IsNaN(approval.Confidence))
        {
            throw new ArgumentException($"{where}: confidence {approval.Confidence} is not between 0 and 1.");
        }

        if (approval.GraceEndsAt < approval.Deadline)
        {
            throw new ArgumentException($"{where}: the grace period ends ({approval.GraceEndsAt:O}) before the deadline ({approval.Deadline:O}).");
        }
    }

    public static void Validate(PolicyDecisionRecord decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        EventRules.RequireName(decision.ActionKey, "action key", "Policy decision", kindCharacters: false);
        var where = $"Policy decision for '{decision.ActionKey}'";
        EventRules.RequireName(decision.GoalId, "goal id", where, kindCharacters: false);
        EventRules.RequireName(decision.TaskId, "task id", where, kindCharacters: false);
        EventRules.RequireName(decision.ActionKind, "action kind", where, kindCharacters: false);
        EventRules.RequireName(decision.Rule, "rule", where, kindCharacters: false);
        EventRules.RequireName(decision.PolicyVersion, "policy version", where, kindCharacters: false);
    }

    public static void Validate(ApprovalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
    }

    public static void Validate(PolicyDecisionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
    }

    public static string SourcesToJson(IReadOnlyList<string>? sources) => JsonSerializer.Serialize(sources ?? []);

    public static IReadOnlyList<string> SourcesFromJson(string json) => JsonSerializer.Deserialize<List<string>>(json) ?? [];

    public static T Parse<T>(string stored)
        where T : struct, Enum =>
        Enum.TryParse<T>(stored, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : throw new InvalidOperationException($"The approval store holds an unknown {typeof(T).Name} '{stored}'.");
}
