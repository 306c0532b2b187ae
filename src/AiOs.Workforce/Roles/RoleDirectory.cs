using System.Collections.Concurrent;
using AiOs.Workforce.Models;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Roles;

/// <summary>The agent roles: the built-in five, those in configuration (<see cref="WorkforceOptions.Roles"/>) and those
/// the operator adds at run time.</summary>
public sealed class RoleDirectory
{
    private readonly ConcurrentDictionary<string, RoleContract> _roles = new(StringComparer.Ordinal);

    public RoleDirectory(IOptions<WorkforceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var role in BuiltIn.Concat(options.Value.Roles))
        {
            Add(role);
        }
    }

    public static IReadOnlyList<RoleContract> BuiltIn { get; } =
    [
        new("researcher", "a question about a customer, market or topic", "a factual summary", Tools: ["lookup_customer", "open_project"]),
        new("writer", "a brief and the facts to use", "a draft text", Tier: ModelTier.Small),
        new("outreach", "a message and its recipient", "the message as sent", Tools: ["schedule_follow_up"], Actions: ["email.send", "webhook.post"]),
        new("bookkeeper", "billing facts", "an invoice draft or a booking", Actions: ["webhook.post"], Tier: ModelTier.Large,
            SmallTierOnBudget: false),
        new("support", "a customer request or a draft to review", "a classification or a reviewed text", TaskKind: "classify"),
    ];

    public void Add(RoleContract role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(role.Name);
        _roles[role.Name] = role;
    }

    public RoleContract? Find(string name) => _roles.GetValueOrDefault(name);

    public bool Contains(string name) => _roles.ContainsKey(name);

    public IReadOnlyList<RoleContract> All => [.. _roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal)];
}
