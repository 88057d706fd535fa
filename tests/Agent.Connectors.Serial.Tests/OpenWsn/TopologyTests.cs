using System.Net;
using Agent.Connectors.Serial.OpenWsn;
using Microsoft.Extensions.Time.Testing;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class TopologyTests
{
    private readonly FakeTimeProvider _time = new();

    private Topology AfterVectorDaos()
    {
        var topology = new Topology(_time);
        foreach (var vector in MeshVectors.Daos.EnumerateArray())
        {
            var ipv6 = Convert.FromHexString(vector.GetProperty("ipv6_equivalent_hex").GetString()!);
            Assert.True(DaoMessage.TryParse(ipv6.AsSpan(40), out var dao, out var error), error);
            topology.Accept(new IPAddress(ipv6.AsSpan(8, 16)), dao);
        }
        return topology;
    }

    [Fact]
    public void Vector_daos_give_the_recorded_parents_and_source_routes()
    {
        var topology = AfterVectorDaos();
        foreach (var entry in MeshVectors.DaoFile.GetProperty("topology_after_daos").EnumerateObject())
            Assert.Equal(entry.Value.EnumerateArray().Select(e => Eui64.Parse(e.GetString()!)), topology.ParentsOf(Eui64.Parse(entry.Name)));
        foreach (var entry in MeshVectors.DaoFile.GetProperty("source_routes").EnumerateObject())
            Assert.Equal(entry.Value.EnumerateArray().Select(e => Eui64.Parse(e.GetString()!)), topology.Route(Eui64.Parse(entry.Name)));

        Assert.Equal(3, topology.Count);
        Assert.Equal(new HashSet<Eui64> { MeshVectors.Root, MeshVectors.A, MeshVectors.B, MeshVectors.C }, topology.Motes.ToHashSet());
    }

    [Fact]
    public void The_root_and_unknown_motes_have_no_route()
    {
        var topology = AfterVectorDaos();
        Assert.Empty(topology.Route(MeshVectors.Root));
        Assert.Empty(topology.Route(Eui64.Parse("14-15-92-cc-00-00-00-99")));
        Assert.Empty(topology.ParentsOf(MeshVectors.Root));
    }

    [Fact]
    public void Entries_expire_900_s_after_their_last_dao()
    {
        var topology = new Topology(_time);
        topology.Update(MeshVectors.A, [MeshVectors.Root]);
        _time.Advance(TimeSpan.FromSeconds(600));
        topology.Update(MeshVectors.B, [MeshVectors.A]);

        _time.Advance(TimeSpan.FromSeconds(299));
        Assert.Equal([MeshVectors.B, MeshVectors.A, MeshVectors.Root], topology.Route(MeshVectors.B));

        _time.Advance(TimeSpan.FromSeconds(1)); // A is 900 s old, B 300 s
        Assert.Equal(1, topology.Count);
        Assert.Equal([MeshVectors.B, MeshVectors.A], topology.Route(MeshVectors.B));
        Assert.Equal(1, topology.Expired);

        topology.Update(MeshVectors.A, [MeshVectors.Root]); // a fresh DAO brings it back
        Assert.Equal([MeshVectors.B, MeshVectors.A, MeshVectors.Root], topology.Route(MeshVectors.B));

        _time.Advance(TimeSpan.FromSeconds(900));
        topology.ExpireStale();
        Assert.Equal(0, topology.Count);
        Assert.Empty(topology.Motes);
        Assert.Equal(3, topology.Expired);
    }

    [Fact]
    public void A_refresh_restarts_the_expiry()
    {
        var topology = new Topology(_time);
        topology.Update(MeshVectors.A, [MeshVectors.Root]);
        _time.Advance(TimeSpan.FromSeconds(800));
        topology.Update(MeshVectors.A, [MeshVectors.Root]);
        _time.Advance(TimeSpan.FromSeconds(800));
        Assert.Equal([MeshVectors.A, MeshVectors.Root], topology.Route(MeshVectors.A));
    }

    [Fact]
    public void Routes_stop_at_a_loop()
    {
        var topology = new Topology(_time);
        topology.Update(MeshVectors.A, [MeshVectors.B]);
        topology.Update(MeshVectors.B, [MeshVectors.C]);
        topology.Update(MeshVectors.C, [MeshVectors.A]);
        Assert.Equal([MeshVectors.A, MeshVectors.B, MeshVectors.C], topology.Route(MeshVectors.A));

        topology.Update(MeshVectors.C, [MeshVectors.C]); // its own parent
        Assert.Equal([MeshVectors.C], topology.Route(MeshVectors.C));
    }

    [Fact]
    public void Only_the_first_parent_is_followed_and_a_new_dao_replaces_the_old()
    {
        var topology = new Topology(_time);
        topology.Update(MeshVectors.A, [MeshVectors.Root]);
        topology.Update(MeshVectors.C, [MeshVectors.A, MeshVectors.B]);
        Assert.Equal([MeshVectors.C, MeshVectors.A, MeshVectors.Root], topology.Route(MeshVectors.C));

        topology.Update(MeshVectors.C, [MeshVectors.B]);
        Assert.Equal([MeshVectors.C, MeshVectors.B], topology.Route(MeshVectors.C));
        Assert.Equal([MeshVectors.B], topology.ParentsOf(MeshVectors.C));
    }

    [Fact]
    public void A_dao_without_transit_leaves_the_mote_without_a_route()
    {
        var topology = new Topology(_time);
        topology.Update(MeshVectors.A, []);
        Assert.Empty(topology.Route(MeshVectors.A));
        Assert.Equal(1, topology.Count);
    }
}
