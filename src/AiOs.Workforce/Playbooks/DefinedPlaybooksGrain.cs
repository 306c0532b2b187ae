using AiOs.Workforce.Roles;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Playbooks;

/// <summary>State of <see cref="DefinedPlaybooksGrain"/>.</summary>
public sealed class DefinedPlaybooksState
{
    public List<DefinedPlaybook> Playbooks { get; set; } = [];
}

[GrainType("playbook-catalog")]
public sealed class DefinedPlaybooksGrain(
    PlaybookCatalog catalog,
    RoleDirectory roles,
    IOptions<WorkforceOptions> options,
    [PersistentState("playbooks")] IPersistentState<DefinedPlaybooksState> state) : Grain, IDefinedPlaybooksGrain
{
    /// <summary>Longest playbook name: it is typed in goals as <c>playbook:&lt;name&gt;</c>.</summary>
    public const int MaxNameLength = 64;

    public async Task<DefinedPlaybook> Define(DefinedPlaybook playbook)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        if (Problem(playbook.Playbook, roles.Contains, options.Value.MaxPlanTasks) is not null)
        {
            // A role defined through another silo may not have reached this one yet: learn the defined roles, then judge.
            foreach (var role in await GrainFactory.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All())
            {
                roles.Add(role.Contract);
            }

            if (Problem(playbook.Playbook, roles.Contains, options.Value.MaxPlanTasks) is { } problem)
            {
                throw new ArgumentException(problem, nameof(playbook));
            }
        }

        state.State.Playbooks.RemoveAll(p => p.Playbook.Name == playbook.Playbook.Name);
        state.State.Playbooks.Add(playbook);
        state.State.Playbooks.Sort((a, b) => string.CompareOrdinal(a.Playbook.Name, b.Playbook.Name));
        await state.WriteStateAsync();

        // This silo knows it at once; the others within the refresh interval.
        catalog.Add(playbook.Playbook);
        return playbook;
    }

    public Task<IReadOnlyList<DefinedPlaybook>> All() => Task.FromResult<IReadOnlyList<DefinedPlaybook>>([.. state.State.Playbooks]);

    /// <summary>Why <paramref name="playbook"/> cannot be defined, or null.</summary>
    public static string? Problem(Playbook playbook, Func<string, bool> isKnownRole, int maxTasks)
    {
        ArgumentNullException.ThrowIfNull(playbook);
        ArgumentNullException.ThrowIfNull(isKnownRole);
        var name = playbook.Name ?? "";
        if (name.Length is 0 or > MaxNameLength || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            return $"playbook name '{name}' must be 1 to {MaxNameLength} lower-case letters, digits and dashes";
        }

        if (PlaybookCatalog.IsBuiltIn(name))
        {
            return $"'{name}' is a built-in playbook and cannot be replaced; define one with another name";
        }

        if ((playbook.Keywords ?? []).Any(string.IsNullOrWhiteSpace))
        {
            return $"playbook '{name}' has an empty keyword";
        }

        var problems = PlanValidator.Validate(playbook.Plan ?? new Plan([]), isKnownRole, maxTasks);
        return problems.Count == 0 ? null : $"playbook '{name}': {string.Join("; ", problems)}";
    }
}
