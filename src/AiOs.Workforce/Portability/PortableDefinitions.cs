using System.Text.Json;
using AiOs.Memory;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Portability;

/// <summary>The roles and playbooks the operator added, in configuration or at run time, in a portable snapshot; the
/// built-in ones are not carried (every instance has them). One source for both, because a playbook names roles: a
/// snapshot's playbook may use a role of the same snapshot. Imported ones are defined at run time on the importing
/// instance, as if the operator had defined them there.</summary>
public sealed class PortableDefinitions(
    IGrainFactory grains, RoleDirectory roles, PlaybookCatalog playbooks, IOptions<WorkforceOptions> options, TimeProvider time) : IPortableSource
{
    public const string RoleKind = "role";
    public const string PlaybookKind = "playbook";

    private const string ImportedBy = "import";

    /// <summary>Roles first: playbooks are checked against them.</summary>
    public IReadOnlyList<string> Kinds { get; } = [RoleKind, PlaybookKind];

    public async IAsyncEnumerable<PortableRecord> ExportAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The catalog grains are the truth for run-time definitions (this silo's copies may lag); configuration adds the rest.
        var definedRoles = await grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key).All().ConfigureAwait(false);
        var configuredRoles = options.Value.Roles
            .Where(r => definedRoles.All(d => d.Contract.Name != r.Name) && RoleDirectory.BuiltIn.All(b => b.Name != r.Name))
            .Select(r => new DefinedRole(r, null, null, null, "configuration", default));
        foreach (var role in definedRoles.Concat(configuredRoles).OrderBy(r => r.Contract.Name, StringComparer.Ordinal))
        {
            yield return PortableJson.Record(RoleKind, role);
        }

        var definedPlaybooks = (await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key).All().ConfigureAwait(false))
            .Select(p => p.Playbook).ToList();
        var configuredPlaybooks = playbooks.All
            .Where(p => !PlaybookCatalog.IsBuiltIn(p.Name) && definedPlaybooks.All(d => d.Name != p.Name));
        foreach (var playbook in definedPlaybooks.Concat(configuredPlaybooks).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            yield return PortableJson.Record(PlaybookKind, playbook);
        }
    }

    public (int Index, string Problem)? Check(IReadOnlyList<PortableRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var snapshotRoles = new HashSet<string>(StringComparer.Ordinal);
        var snapshotPlaybooks = new HashSet<string>(StringComparer.Ordinal);

        // Roles in one pass first, so that a playbook may come before the role it names.
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Kind == RoleKind && CheckRole(records[i], snapshotRoles) is { } problem)
            {
                return (i, problem);
            }
        }

        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Kind == PlaybookKind
                && CheckPlaybook(records[i], name => roles.Contains(name) || snapshotRoles.Contains(name), snapshotPlaybooks) is { } problem)
            {
                return (i, problem);
            }
        }

        return null;
    }

    public async Task<bool> ImportAsync(PortableRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Kind == RoleKind)
        {
            var role = PortableJson.Read<DefinedRole>(record);
            var catalog = grains.GetGrain<IRoleCatalogGrain>(IRoleCatalogGrain.Key);
            if (roles.Find(role.Contract.Name) is { } known && Same(known, role.Contract))
            {
                return false;
            }

            await catalog.Define(role with { DefinedBy = ImportedBy, DefinedAt = time.GetUtcNow() }).ConfigureAwait(false);
            return true;
        }

        var playbook = PortableJson.Read<Playbook>(record);
        if (playbooks.Find(playbook.Name) is { } existing && Same(existing, playbook))
        {
            return false;
        }

        await grains.GetGrain<IDefinedPlaybooksGrain>(IDefinedPlaybooksGrain.Key)
            .Define(new DefinedPlaybook(playbook, ImportedBy, time.GetUtcNow())).ConfigureAwait(false);
        return true;
    }

    private static string? CheckRole(PortableRecord record, HashSet<string> seen)
    {
        DefinedRole role;
        try
        {
            role = PortableJson.Read<DefinedRole>(record);
        }
        catch (JsonException exception)
        {
            return $"not a role ({exception.Message})";
        }

        var name = role.Contract?.Name ?? "";
        return role.Contract is null ? "the role has no contract"
            : !RoleName(name) ? $"'{name}' is not a role name: 1 to 40 lower-case letters, digits or '-', starting with a letter"
            : RoleDirectory.BuiltIn.Any(r => r.Name == name) ? $"'{name}' is a built-in role; a snapshot does not carry those"
            : string.IsNullOrWhiteSpace(role.Contract.Accepts) || string.IsNullOrWhiteSpace(role.Contract.Returns) ? $"role '{name}' must say what it accepts and returns"
            : !seen.Add(name) ? $"role '{name}' appears twice"
            : null;
    }

    private string? CheckPlaybook(PortableRecord record, Func<string, bool> isKnownRole, HashSet<string> seen)
    {
        Playbook playbook;
        try
        {
            playbook = PortableJson.Read<Playbook>(record);
        }
        catch (JsonException exception)
        {
            return $"not a playbook ({exception.Message})";
        }

        return DefinedPlaybooksGrain.Problem(playbook, isKnownRole, options.Value.MaxPlanTasks)
            ?? (seen.Add(playbook.Name) ? null : $"playbook '{playbook.Name}' appears twice");
    }

    private static bool RoleName(string name) =>
        name.Length is > 0 and <= 40 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    private static bool Same<T>(T a, T b) => WorkforceJson.Serialize(a) == WorkforceJson.Serialize(b);
}
