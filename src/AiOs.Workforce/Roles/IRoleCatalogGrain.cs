namespace AiOs.Workforce.Roles;

/// <summary>A role the operator defined at run time, with what the contract does not hold.</summary>
/// <param name="Contract">The role's contract.</param>
/// <param name="Description">What the role is for, in the operator's words.</param>
/// <param name="DailyBudgetCurrency">ISO 4217 currency of its daily spending cap, if one was set.</param>
/// <param name="DailyBudgetMicros">The cap in millionths of the currency's unit.</param>
/// <param name="DefinedBy">Who defined it last.</param>
/// <param name="DefinedAt">When.</param>
public sealed record DefinedRole(
    RoleContract Contract,
    string? Description,
    string? DailyBudgetCurrency,
    long? DailyBudgetMicros,
    string DefinedBy,
    DateTimeOffset DefinedAt);

/// <summary>The roles defined at run time, keyed <see cref="Key"/>: stored once for the cluster, so that every silo's
/// <see cref="RoleDirectory"/> learns them (<see cref="RunTimeDefinitionsRefresher"/>) and they survive restarts.</summary>
public interface IRoleCatalogGrain : IGrainWithStringKey
{
    /// <summary>The key of the one catalog.</summary>
    const string Key = "all";

    /// <summary>Creates or replaces a role. A built-in role's name is refused (<see cref="InvalidOperationException"/>).</summary>
    Task<DefinedRole> Define(DefinedRole role);

    /// <summary>Every role defined at run time, by name.</summary>
    [ReadOnly]
    Task<IReadOnlyList<DefinedRole>> All();
}
