using System.Collections.Concurrent;

namespace AiOs.Workforce.Playbooks;

/// <summary>A stored plan template the operator can run by name, e.g. "onboard a customer".</summary>
/// <param name="Name">How the operator calls it, e.g. <c>onboard-customer</c>.</param>
/// <param name="Keywords">Words of a goal that select this playbook when the offline provider plans.</param>
/// <param name="Plan">The tasks it runs.</param>
public sealed record Playbook(string Name, IReadOnlyList<string> Keywords, Plan Plan)
{
    // For configuration binding: without it the binder must find every constructor argument, and it silently drops a list
    // element it cannot construct, so a playbook configured without Keywords would vanish without a word.
    public Playbook()
        : this("", [], new Plan([]))
    {
    }
}

/// <summary>The playbooks: built-in ones plus those the operator adds, in configuration or at run time
/// (<see cref="IDefinedPlaybooksGrain"/>); a name defined at run time replaces the configured playbook of that name.</summary>
public sealed class PlaybookCatalog
{
    private readonly ConcurrentDictionary<string, Playbook> _playbooks = new(StringComparer.Ordinal);

    public PlaybookCatalog()
        : this(Microsoft.Extensions.Options.Options.Create(new WorkforceOptions()))
    {
    }

    public PlaybookCatalog(Microsoft.Extensions.Options.IOptions<WorkforceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var playbook in BuiltIn.Concat(options.Value.Playbooks))
        {
            Add(playbook);
        }
    }

    /// <summary>The playbooks every instance has; they cannot be replaced, and a snapshot does not carry them.</summary>
    public static IReadOnlyList<Playbook> BuiltIn { get; } =
    [
        new Playbook("onboard-customer", ["onboard", "onboarding", "new customer", "welcome"], new Plan(
        [
            new PlannedTask("research", "researcher", "Open the customer's onboarding project, then summarize what we know about the customer and their needs."),
            new PlannedTask("welcome", "writer", "Draft a welcome email for the customer.", ["research"]),
            new PlannedTask("send", "outreach", "Send the welcome email.", ["welcome"], ["email.send"]),
            new PlannedTask("invoice", "bookkeeper", "Prepare the first invoice.", ["research"]),
            new PlannedTask("follow-up", "outreach", "Schedule a check-in with the customer in 3 days.", ["send"]),
        ])),
        new Playbook("content-pipeline", ["post", "article", "newsletter", "content"], new Plan(
        [
            new PlannedTask("research", "researcher", "Collect the facts for the piece."),
            new PlannedTask("draft", "writer", "Write the piece.", ["research"]),
            new PlannedTask("review", "support", "Review the draft for tone and errors.", ["draft"]),
        ])),
    ];

    public static bool IsBuiltIn(string name) => BuiltIn.Any(p => p.Name == name);

    public void Add(Playbook playbook)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        _playbooks[playbook.Name] = playbook;
    }

    public Playbook? Find(string name) => _playbooks.GetValueOrDefault(name);

    public IReadOnlyList<Playbook> All => [.. _playbooks.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>The plan (JSON) of the playbook that best matches <paramref name="goal"/>: the one named as
    /// <c>playbook:&lt;name&gt;</c>, else the one with most keywords in the goal (ties by name); null when none matches.</summary>
    public string? PlanFor(string goal)
    {
        ArgumentNullException.ThrowIfNull(goal);
        var named = goal.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => w.StartsWith("playbook:", StringComparison.Ordinal));
        var playbook = named is not null
            ? Find(named["playbook:".Length..])
            : All.Select(p => (p, score: p.Keywords.Count(k => goal.Contains(k, StringComparison.OrdinalIgnoreCase))))
                .Where(x => x.score > 0).OrderByDescending(x => x.score).Select(x => x.p).FirstOrDefault();
        return playbook is null ? null : WorkforceJson.Serialize(playbook.Plan);
    }
}
