using System.Net;
using Agent.Connectors.Serial.OpenWsn;

namespace Agent.Connectors.Serial.Tests.OpenWsn;

public class DaoMessageTests
{
    private static DaoMessage Parse(string hex)
    {
        Assert.True(DaoMessage.TryParse(Convert.FromHexString(hex), out var dao, out var error), error);
        return dao!;
    }

    private static string Refuse(string hex)
    {
        Assert.False(DaoMessage.TryParse(Convert.FromHexString(hex), out var dao, out var error));
        Assert.Null(dao);
        return error;
    }

    [Theory]
    [InlineData(0, "141592cc00000001", "141592cc00000003")]
    [InlineData(1, "141592cc00000002", "141592cc00000004")]
    [InlineData(2, "141592cc00000003", null)]
    public void Dao_vectors_give_instance_flags_sequence_dodagid_target_and_transit(int index, string parent, string? target)
    {
        var dao = Parse(MeshVectors.Daos[index].GetProperty("icmpv6_dao_hex").GetString()!);

        Assert.Equal(0, dao.InstanceId);
        Assert.Equal(0x40, dao.Flags); // D=1, K=0
        Assert.Equal(5, dao.Sequence);
        Assert.Equal(IPAddress.Parse("bbbb::1415:92cc:0:1"), dao.DodagId);
        Assert.Equal([Eui64.Parse(parent)], dao.Parents);
        Assert.Equal([Eui64.Parse(parent).WithPrefix(MeshVectors.Prefix)], dao.Transits);
        if (target is null) Assert.Empty(dao.Targets);
        else Assert.Equal([Eui64.Parse(target).WithPrefix(MeshVectors.Prefix)], dao.Targets);
    }

    [Fact]
    public void Without_the_d_flag_there_is_no_dodagid()
    {
        var dao = Parse("9b020000" + "00000007" + "0614000004aa" + "bbbb000000000000141592cc00000003");
        Assert.Null(dao.DodagId);
        Assert.Equal(7, dao.Sequence);
        Assert.Equal([MeshVectors.B], dao.Parents);
    }

    [Fact]
    public void Several_transits_keep_their_order()
    {
        var dao = Parse("9b020000" + "00000001" + "0614000004aa" + "bbbb000000000000141592cc00000003"
            + "0614000004aa" + "bbbb000000000000141592cc00000002");
        Assert.Equal([MeshVectors.B, MeshVectors.A], dao.Parents);
    }

    [Theory]
    [InlineData("9b01000000400005", "not a DAO")]                           // a DIO code
    [InlineData("8100000000400005", "not a DAO")]                           // echo reply
    [InlineData("9b", "not a DAO")]
    [InlineData("9b020000004000", "cut short")]
    [InlineData("9b02000000400005bbbb00000000", "DODAGID cut short")]
    [InlineData("9b02000000000005" + "0100", "option type 1")]             // PadN: OV rejects any other option
    [InlineData("9b02000000000005" + "00", "option type 0")]               // Pad1
    [InlineData("9b02000000000005" + "0614000004aabbbb", "cut short")]
    [InlineData("9b02000000000005" + "0612000004aabbbb000000000000141592cc00000003", "length 18")]
    [InlineData("9b02000000000005" + "05100080bbbb000000000000141592cc00000003", "length 16")]
    public void Refuses_what_is_not_a_well_formed_dao(string hex, string why) =>
        Assert.Contains(why, Refuse(hex), StringComparison.Ordinal);
}
