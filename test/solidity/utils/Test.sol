// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Vm} from "./Vm.sol";

/// @title Test
/// @notice A small base for Solidity tests run by Hardhat 3: cheatcodes, assertions that
///         revert with both values on failure, `bound` for fuzz inputs, and the target
///         declarations invariant runs read. Kept in the repository because forge-std cannot
///         be installed here and its npm release is too old to build.
abstract contract Test {
    /// @dev The conventional cheatcode address: uint160(uint256(keccak256("hevm cheat code"))).
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    address[] private _targetContracts;
    address[] private _targetSenders;
    address[] private _excludeContracts;

    // ---------------------------------------------------------------- assertions

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert(message);
    }

    function assertEq(uint256 actual, uint256 expected, string memory message) internal pure {
        if (actual != expected) {
            revert(string.concat(message, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
        }
    }

    function assertEq(int256 actual, int256 expected, string memory message) internal pure {
        if (actual != expected) {
            revert(string.concat(message, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
        }
    }

    function assertEq(address actual, address expected, string memory message) internal pure {
        if (actual != expected) {
            revert(string.concat(message, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
        }
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory message) internal pure {
        if (actual != expected) {
            revert(string.concat(message, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
        }
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory message) internal pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert(string.concat(message, ": got ", vm.toString(actual), ", expected ", vm.toString(expected)));
        }
    }

    function assertLe(uint256 actual, uint256 limit, string memory message) internal pure {
        if (actual > limit) {
            revert(string.concat(message, ": ", vm.toString(actual), " > ", vm.toString(limit)));
        }
    }

    function assertGe(uint256 actual, uint256 limit, string memory message) internal pure {
        if (actual < limit) {
            revert(string.concat(message, ": ", vm.toString(actual), " < ", vm.toString(limit)));
        }
    }

    // ---------------------------------------------------------------- fuzz helpers

    /// @notice Maps any `x` into [min, max] without discarding inputs, so fuzz runs are not wasted.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        // size + 1 overflows only for the full range, where every x is already inside.
        unchecked {
            return min + (x % (size + 1));
        }
    }

    // ---------------------------------------------------------------- invariant targets

    /// @notice Restricts invariant runs to calling `target`.
    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    /// @notice Restricts invariant runs to sending from `sender`.
    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    /// @notice Keeps invariant runs from calling `target`.
    function excludeContract(address target) internal {
        _excludeContracts.push(target);
    }

    /// @dev Read by the invariant runner.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    /// @dev Read by the invariant runner.
    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }

    /// @dev Read by the invariant runner.
    function excludeContracts() public view returns (address[] memory) {
        return _excludeContracts;
    }
}
