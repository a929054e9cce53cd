// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PoolAddress} from "../../../contracts/libraries/PoolAddress.sol";
import {Test} from "../utils/Test.sol";

/// @notice Each assembly block of PoolAddress against the plain Solidity it stands for.
contract PoolAddressTest is Test {
    function testFuzz_create2_isSolidityCreate2(address deployer, bytes32 salt, bytes32 initCodeHash) public pure {
        address expected =
            address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), deployer, salt, initCodeHash)))));
        assertEq(PoolAddress.create2(deployer, salt, initCodeHash), expected, "create2");
    }

    function testFuzz_v2Pair_isPairFor(address factory, bytes32 initCodeHash, address tokenA, address tokenB)
        public
        pure
    {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encodePacked(token0, token1));
        address expected =
            address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), factory, salt, initCodeHash)))));
        assertEq(PoolAddress.v2Pair(factory, initCodeHash, tokenA, tokenB), expected, "pair");
        assertEq(PoolAddress.v2Pair(factory, initCodeHash, tokenB, tokenA), expected, "either order");
    }

    function testFuzz_v3Pool_isComputeAddress(
        address factory,
        bytes32 initCodeHash,
        address tokenA,
        address tokenB,
        uint24 fee
    ) public pure {
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        address expected =
            address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), factory, salt, initCodeHash)))));
        assertEq(PoolAddress.v3Pool(factory, initCodeHash, tokenA, tokenB, fee), expected, "pool");
        assertEq(PoolAddress.v3Pool(factory, initCodeHash, tokenB, tokenA, fee), expected, "either order");
    }

    /// @dev The blocks write only scratch space and memory past the free pointer, which they
    ///      leave where it was: what the caller keeps in memory survives.
    function testFuzz_leavesClaimedMemoryAlone(bytes32 kept, address factory, bytes32 hash) public pure {
        bytes32[] memory before = new bytes32[](1);
        before[0] = kept;
        uint256 freeBefore;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            freeBefore := mload(0x40)
        }
        PoolAddress.v3Pool(factory, hash, address(1), address(2), 3000);
        PoolAddress.v2Pair(factory, hash, address(1), address(2));
        uint256 freeAfter;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            freeAfter := mload(0x40)
        }
        assertEq(freeAfter, freeBefore, "free memory pointer");
        assertEq(uint256(before[0]), uint256(kept), "claimed memory");
    }
}
