// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IUniswapV3FlashCallback, IUniswapV3Pool} from "../../interfaces/external/IUniswapV3Pool.sol";

/// @title UniswapV3FlashProbe
/// @notice Minimal Uniswap V3 `flash` borrower used to measure what a replica pool charges.
contract UniswapV3FlashProbe is IUniswapV3FlashCallback {
    using SafeERC20 for IERC20;

    /// @dev Raised when the callback does not come from the pool this probe called.
    error UniswapV3FlashProbeUnexpectedCallback(address caller, address expected);

    address private _pendingPool;
    /// @notice Fees the pool asked for on the last loan.
    uint256 public lastFee0;
    uint256 public lastFee1;

    /// @notice Borrows from `pool` and repays amount plus fee in the callback.
    function borrow(IUniswapV3Pool pool, uint256 amount0, uint256 amount1) external {
        _pendingPool = address(pool);
        pool.flash(address(this), amount0, amount1, abi.encode(amount0, amount1));
        _pendingPool = address(0);
    }

    /// @inheritdoc IUniswapV3FlashCallback
    function uniswapV3FlashCallback(uint256 fee0, uint256 fee1, bytes calldata data) external {
        if (msg.sender != _pendingPool) revert UniswapV3FlashProbeUnexpectedCallback(msg.sender, _pendingPool);
        (uint256 amount0, uint256 amount1) = abi.decode(data, (uint256, uint256));
        lastFee0 = fee0;
        lastFee1 = fee1;
        IUniswapV3Pool pool = IUniswapV3Pool(msg.sender);
        if (amount0 + fee0 > 0) IERC20(pool.token0()).safeTransfer(msg.sender, amount0 + fee0);
        if (amount1 + fee1 > 0) IERC20(pool.token1()).safeTransfer(msg.sender, amount1 + fee1);
    }
}
