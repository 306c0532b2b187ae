using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Storage;

/// <summary>A storage provider the workforce tests run on. Each test takes a database of its own (tests that tamper with
/// the event log must not break another test's chain); silos started on one database share it, as a restarted process
/// would.</summary>
public interface ITestStorage
{
    /// <summary>A new, empty database; the returned name is passed to the other members.</summary>
    string NewDatabase();

    /// <summary>Registers the provider on <paramref name="database"/>.</summary>
    void AddStorage(IServiceCollection services, string database);

    /// <summary>Runs <paramref name="sql"/> on <paramref name="database"/> with the event log's append-only guards off, as
    /// someone with the database owner's rights would.</summary>
    Task TamperAsync(string database, string sql);

    /// <summary>Every table (or <c>table.column</c>) of <paramref name="database"/> holding <paramref name="text"/> anywhere.</summary>
    Task<IReadOnlyList<string>> FindEverywhereAsync(string database, string text);

    /// <summary>Arguments for a separate silo process (the test host) to use <paramref name="database"/>.</summary>
    string[] HostArguments(string database);
}
