using System.Security.Cryptography;
using AiOs.Grpc;
using AiOs.Persistence.Events;
using AiOs.Workforce.Entities;
using Google.Protobuf.WellKnownTypes;
using Provenance = AiOs.Api.V1.Provenance;

namespace AiOs.Api.Business;

/// <summary>What the entity services share: the log (for listing and for who created an entity), provenance, ids, masks
/// and the mapping of the entity grains' refusals to statuses.</summary>
internal sealed class EntityAccess(IGrainFactory grains, IEventLog events)
{
    // Entities read at most by one list call to fill a page when a filter matches few; the page may then come back short.
    private const int MaxScanned = 2_000;

    public IGrainFactory Grains => grains;

    public static EventProvenance By(Server.ServerCallContext call) => new("api", call.Actor);

    /// <summary>A new id, e.g. <c>cus-4f0c2a9b1e</c>.</summary>
    public static string NewId(string prefix) => $"{prefix}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))}";

    public static Provenance ToContract(EventProvenance by, DateTimeOffset at) =>
        new() { Source = by.Source, Actor = by.Actor, At = Timestamp.FromDateTimeOffset(at) };

    /// <summary>Who created the entity: the first event of its stream.</summary>
    public async Task<Provenance?> CreatedAsync(string type, string id, CancellationToken cancellationToken)
    {
        var first = await events.ReadStreamAsync(new GrainId(type, id), 0, 1, cancellationToken).ConfigureAwait(false);
        return first.Count == 1 ? ToContract(first[0].Provenance, first[0].OccurredAt) : null;
    }

    /// <summary>Runs a grain call that creates or changes an entity, mapping its refusals: an existing entity is
    /// ALREADY_EXISTS, a value the grain finds invalid INVALID_ARGUMENT.</summary>
    public static async Task<T> ChangeAsync<T>(string field, Func<Task<T>> change)
    {
        try
        {
            return await change().ConfigureAwait(false);
        }
        catch (EntityExistsException)
        {
            throw new RpcException(StatusCode.AlreadyExists, $"{field}: exists already");
        }
        catch (ArgumentException exception)
        {
            throw new RpcException(StatusCode.InvalidArgument, exception.Message);
        }
    }

    /// <summary>Entities of <paramref name="type"/> in id order after the page token, read with <paramref name="get"/>
    /// and kept when <paramref name="keep"/> says so, up to <paramref name="pageSize"/>; the token to continue or "".</summary>
    public async Task<(List<TOut> Page, string NextToken)> ListAsync<TSnapshot, TOut>(
        string type, string pageToken, int pageSize, Func<string, Task<TSnapshot?>> get, Func<TSnapshot, bool> keep, Func<TSnapshot, Task<TOut>> map,
        CancellationToken cancellationToken)
        where TSnapshot : class
    {
        var after = Fields.DecodeToken(pageToken);
        var page = new List<TOut>();
        var scanned = 0;
        while (true)
        {
            var ids = await EntityTypes.ListAsync(events, type, after, Math.Min(100, pageSize + 1), cancellationToken).ConfigureAwait(false);
            var snapshots = await Task.WhenAll(ids.Select(get)).ConfigureAwait(false);
            for (var i = 0; i < ids.Count; i++)
            {
                if (page.Count == pageSize || scanned == MaxScanned)
                {
                    return (page, Fields.EncodeToken(after!));
                }

                scanned++;
                after = ids[i];
                if (snapshots[i] is { } snapshot && keep(snapshot))
                {
                    page.Add(await map(snapshot).ConfigureAwait(false));
                }
            }

            if (ids.Count < Math.Min(100, pageSize + 1))
            {
                return (page, "");
            }
        }
    }

    /// <summary>The fields an update sets: those of the mask (with or without the resource's name before them), or all
    /// settable ones when the mask is empty.</summary>
    public static HashSet<string> Mask(FieldMask? mask, string resource, IReadOnlyCollection<string> settable)
    {
        if (mask is null || mask.Paths.Count == 0)
        {
            return [.. settable];
        }

        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in mask.Paths)
        {
            var field = path.StartsWith(resource + ".", StringComparison.Ordinal) ? path[(resource.Length + 1)..] : path;
            if (!settable.Contains(field))
            {
                throw Fields.Invalid("update_mask", $"'{path}' is not a field that can be changed (these can: {string.Join(", ", settable)})");
            }

            fields.Add(field);
        }

        return fields;
    }

    /// <summary>Attributes are in the contract but not stored yet: refused rather than dropped.</summary>
    public static void NoAttributes(string field, Google.Protobuf.Collections.MapField<string, string> attributes)
    {
        if (attributes.Count > 0)
        {
            throw Fields.Invalid(field, "attributes are not stored yet; put the facts in notes");
        }
    }

    public static string? Email(string field, string value)
    {
        var email = Fields.Optional(field, value, 320);
        return email is null || (email.IndexOf('@', StringComparison.Ordinal) is > 0 and var at && at < email.Length - 1 && !email.Any(char.IsWhiteSpace))
            ? email
            : throw Fields.Invalid(field, $"'{email}' is not an email address");
    }
}
