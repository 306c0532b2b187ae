namespace AiOs.Workforce.Playbooks;

/// <summary>A playbook the operator defined at run time (or imported), with who did and when.</summary>
public sealed record DefinedPlaybook(Playbook Playbook, string DefinedBy, DateTimeOffset DefinedAt);

/// <summary>The playbooks defined at run time, keyed <see cref="Key"/>: stored once for the cluster, so that every silo's
/// <see cref="PlaybookCatalog"/> learns them (<see cref="RunTimeDefinitionsRefresher"/>) and they survive restarts.</summary>
public interface IDefinedPlaybooksGrain : IGrainWithStringKey
{
    /// <summary>The key of the one catalog.</summary>
    const string Key = "all";

    /// <summary>Creates or replaces a playbook. A built-in playbook's name, a name that is not a slug, or a plan that does
    /// not validate against the roles known here is refused (<see cref="ArgumentException"/>) and nothing changes.</summary>
    Task<DefinedPlaybook> Define(DefinedPlaybook playbook);

    /// <summary>Every playbook defined at run time, by name.</summary>
    [ReadOnly]
    Task<IReadOnlyList<DefinedPlaybook>> All();
}
