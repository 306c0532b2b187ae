namespace AiOs.Dashboard.Collection;

/// <summary>One second of one silo: calls and errors completed in it, the latency buckets of the calls timed in it
/// (<see cref="AiOs.Runtime.Metrics.MethodCallStatistics"/>'s buckets; trailing empty buckets left off), and the process's
/// CPU use over it.</summary>
/// <param name="T">The second (Unix time) the sample ends at.</param>
/// <param name="Calls">Calls completed.</param>
/// <param name="Errors">Calls that threw.</param>
/// <param name="Buckets">Latency histogram of the timed calls.</param>
/// <param name="CpuPercent">Process CPU time over wall time, as a percentage of all cores.</param>
public sealed record SiloSample(long T, long Calls, long Errors, long[] Buckets, double CpuPercent);
