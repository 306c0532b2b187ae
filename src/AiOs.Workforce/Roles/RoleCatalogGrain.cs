namespace AiOs.Workforce.Roles;

/// <summary>State of <see cref="RoleCatalogGrain"/>.</summary>
public sealed class RoleCatalogState
{
    public List<DefinedRole> Roles { get; set; } = [];
}

[GrainType("role-catalog")]
public sealed class RoleCatalogGrain(RoleDirectory directory, [PersistentState("roles")] IPersistentState<RoleCatalogState> catalog)
    : Grain, IRoleCatalogGrain
{
    public async Task<DefinedRole> Define(DefinedRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentException.ThrowIfNullOrWhiteSpace(role.Contract.Name);
        if (RoleDirectory.BuiltIn.Any(r => r.Name == role.Contract.Name))
        {
            throw new InvalidOperationException($"'{role.Contract.Name}' is a built-in role and cannot be replaced; define a role with another name");
        }

        catalog.State.Roles.RemoveAll(r => r.Contract.Name == role.Contract.Name);
        catalog.State.Roles.Add(role);
        catalog.State.Roles.Sort((a, b) => string.CompareOrdinal(a.Contract.Name, b.Contract.Name));
        await catalog.WriteStateAsync();

        // This silo knows it at once; the others within the refresh interval.
        directory.Add(role.Contract);
        return role;
    }

    public Task<IReadOnlyList<DefinedRole>> All() => Task.FromResult<IReadOnlyList<DefinedRole>>([.. catalog.State.Roles]);
}
