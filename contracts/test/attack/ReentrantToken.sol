// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice An attacker's ERC-20: on every transfer it makes one call of the attacker's choosing
///         (re-entering the executor, a lender or a callback) and records how that call ended,
///         without failing the transfer, so a test can read the outcome after the trade.
contract ReentrantToken is ERC20 {
    address public hookTarget;
    bytes public hookData;
    bool public hookCalled;
    bool public hookSucceeded;
    bytes public hookReturnData;
    bool private _inHook;

    constructor() ERC20("Reentrant", "EVIL") {}

    /// @notice Mints `amount` to `to`. Open to anyone: test chains only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the call to make during the next transfers.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookData = data;
        hookCalled = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hookTarget == address(0) || _inHook || from == address(0)) return;
        _inHook = true;
        // The attack is an arbitrary call; that is the point of this contract.
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory ret) = hookTarget.call(hookData);
        hookCalled = true;
        hookSucceeded = ok;
        hookReturnData = ret;
        _inHook = false;
    }
}
