using System.Reflection;
using AiOs.Runtime.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Runtime.Hosting;

/// <summary>Configures a silo: its grain classes, call filters and options.</summary>
public sealed class SiloBuilder
{
    internal SiloBuilder(IServiceCollection services) => Services = services;

    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Registers every grain class of <paramref name="assembly"/>.</summary>
    public SiloBuilder AddGrains(Assembly assembly)
    {
        Services.AddSingleton(new GrainAssembly(assembly));
        return this;
    }

    /// <summary>Registers one grain class.</summary>
    public SiloBuilder AddGrain<TGrain>()
        where TGrain : Grain
    {
        Services.AddSingleton(new GrainClass(typeof(TGrain)));
        return this;
    }

    /// <summary>Adds an incoming call filter; filters run in the order they are added, after the built-in metrics filter.</summary>
    public SiloBuilder AddIncomingGrainCallFilter<TFilter>()
        where TFilter : class, IIncomingGrainCallFilter
    {
        Services.AddSingleton<IIncomingGrainCallFilter, TFilter>();
        return this;
    }

    /// <summary>Adds an incoming call filter instance.</summary>
    public SiloBuilder AddIncomingGrainCallFilter(IIncomingGrainCallFilter filter)
    {
        Services.AddSingleton(filter);
        return this;
    }

    /// <summary>Adds an outgoing call filter; filters run in the order they are added.</summary>
    public SiloBuilder AddOutgoingGrainCallFilter<TFilter>()
        where TFilter : class, IOutgoingGrainCallFilter
    {
        Services.AddSingleton<IOutgoingGrainCallFilter, TFilter>();
        return this;
    }

    /// <summary>Adds an outgoing call filter instance.</summary>
    public SiloBuilder AddOutgoingGrainCallFilter(IOutgoingGrainCallFilter filter)
    {
        Services.AddSingleton(filter);
        return this;
    }

    /// <summary>Configures options of type <typeparamref name="TOptions"/> (after configuration binding).</summary>
    public SiloBuilder Configure<TOptions>(Action<TOptions> configure)
        where TOptions : class
    {
        Services.Configure(configure);
        return this;
    }
}
